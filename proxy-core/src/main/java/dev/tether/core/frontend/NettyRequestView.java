package dev.tether.core.frontend;

import dev.tether.routing.RequestView;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.util.List;

/** Adapts a Netty request head to the routing engine's {@link RequestView}. */
final class NettyRequestView implements RequestView {

    private final HttpRequest request;
    private final String path;
    private final String query;
    private final String host;
    private final String clientAddress;

    NettyRequestView(HttpRequest request, String clientAddress) {
        this.request = request;
        this.clientAddress = clientAddress;
        String uri = request.uri();
        int start = 0;
        if (!uri.startsWith("/")) {
            // absolute form: http://host:port/path
            int scheme = uri.indexOf("://");
            int slash = scheme < 0 ? -1 : uri.indexOf('/', scheme + 3);
            start = slash < 0 ? uri.length() : slash;
        }
        int q = uri.indexOf('?', start);
        String p = q < 0 ? uri.substring(start) : uri.substring(start, q);
        this.path = p.isEmpty() ? "/" : p;
        this.query = q < 0 ? null : uri.substring(q + 1);
        this.host = stripPort(request.headers().get(HttpHeaderNames.HOST));
    }

    static String stripPort(String hostHeader) {
        if (hostHeader == null) {
            return null;
        }
        if (hostHeader.startsWith("[")) {
            int end = hostHeader.indexOf(']');
            return end < 0 ? hostHeader : hostHeader.substring(0, end + 1);
        }
        int colon = hostHeader.indexOf(':');
        return colon < 0 ? hostHeader : hostHeader.substring(0, colon);
    }

    @Override
    public String method() {
        return request.method().name();
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String query() {
        return query;
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public String header(String name) {
        return request.headers().get(name);
    }

    @Override
    public String cookie(String name) {
        List<String> values = request.headers().getAll(HttpHeaderNames.COOKIE);
        for (int i = 0; i < values.size(); i++) {
            String found = findCookie(values.get(i), name);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** The value of {@code name} in one Cookie header ({@code a=1; b=2}), or {@code null}. */
    static String findCookie(String header, String name) {
        int i = 0;
        int n = header.length();
        while (i < n) {
            while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == ';')) {
                i++;
            }
            int end = header.indexOf(';', i);
            if (end < 0) {
                end = n;
            }
            int eq = header.indexOf('=', i);
            if (eq > 0 && eq < end && eq - i == name.length() && header.regionMatches(i, name, 0, name.length())) {
                String value = header.substring(eq + 1, end).trim();
                if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
                    value = value.substring(1, value.length() - 1);
                }
                return value;
            }
            i = end + 1;
        }
        return null;
    }

    @Override
    public String clientAddress() {
        return clientAddress;
    }
}
