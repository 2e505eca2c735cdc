package dev.tether.bench.jmh;

import dev.tether.routing.RequestView;

/**
 * A request view that answers from fields, so a benchmark measures the router and not header parsing. It has at
 * most one cookie and one extra header; the proxy's own view parses the Netty head instead.
 */
final class BenchRequest implements RequestView {

    private final String path;
    private final String host;
    private final String cookieName;
    private final String cookieValue;

    BenchRequest(String path, String host, String cookieName, String cookieValue) {
        this.path = path;
        this.host = host;
        this.cookieName = cookieName;
        this.cookieValue = cookieValue;
    }

    static BenchRequest path(String path) {
        return new BenchRequest(path, "cloud.example.com", null, null);
    }

    @Override
    public String method() {
        return "GET";
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String query() {
        return null;
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public String header(String name) {
        return null;
    }

    @Override
    public String cookie(String name) {
        return name.equals(cookieName) ? cookieValue : null;
    }

    @Override
    public String clientAddress() {
        return "192.0.2.7";
    }
}
