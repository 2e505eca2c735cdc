package dev.tether.routing;

import dev.tether.routing.sticky.StickyCookies;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A ready-made {@link RequestView} for embedders and tests: a request head held as plain strings.
 *
 * <p>Header names are matched ignoring case; {@link #cookie} reads the {@code Cookie} header. The proxy itself does
 * not use this class: it adapts its Netty request in place.
 *
 * @param method upper-case method
 * @param path path without query, starting with {@code /}
 * @param query query without {@code ?}, or {@code null}
 * @param headers first value of each header; names are stored in lower case
 * @param clientAddress the client's address as text, or {@code null}
 */
public record RequestHead(String method, String path, String query, Map<String, String> headers, String clientAddress)
        implements RequestView {

    public RequestHead {
        Map<String, String> lower = new HashMap<>();
        headers.forEach((k, v) -> lower.putIfAbsent(k.toLowerCase(Locale.ROOT), v));
        headers = Map.copyOf(lower);
        path = path == null || path.isEmpty() ? "/" : path;
    }

    /** Splits {@code target} ({@code /path?query}) into path and query. */
    public static RequestHead of(String method, String target, Map<String, String> headers, String clientAddress) {
        int q = target.indexOf('?');
        return q < 0
                ? new RequestHead(method, target, null, headers, clientAddress)
                : new RequestHead(method, target.substring(0, q), target.substring(q + 1), headers, clientAddress);
    }

    @Override
    public String host() {
        String host = headers.get("host");
        if (host == null) {
            return null;
        }
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            return close < 0 ? host : host.substring(0, close + 1);
        }
        int colon = host.indexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }

    @Override
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    @Override
    public String cookie(String name) {
        return StickyCookies.find(headers.get("cookie"), name);
    }
}
