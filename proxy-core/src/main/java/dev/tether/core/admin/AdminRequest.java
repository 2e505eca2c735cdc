package dev.tether.core.admin;

import java.util.List;
import java.util.Map;

/**
 * An admin request, already authorised, as an endpoint sees it: no Netty types, no buffers to release.
 *
 * @param method request method, upper case
 * @param path decoded path without the query
 * @param params decoded query parameters
 * @param body request body as UTF-8 (admin bodies are small; the aggregator caps them)
 */
public record AdminRequest(String method, String path, Map<String, List<String>> params, String body) {

    public AdminRequest {
        params = Map.copyOf(params);
    }

    /** The first value of query parameter {@code name}, or {@code null}. */
    public String param(String name) {
        List<String> values = params.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public boolean isRead() {
        return method.equals("GET") || method.equals("HEAD");
    }
}
