package dev.tether.routing;

import dev.tether.routing.sticky.StickyCookies;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A {@link RequestView} built by hand for tests; the Cookie header is parsed the way the proxy parses it. */
public final class TestRequest implements RequestView {

    private final String method;
    private final String path;
    private final String query;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String client = "127.0.0.1";

    private TestRequest(String method, String path, String query) {
        this.method = method;
        this.path = path;
        this.query = query;
    }

    public static TestRequest get(String path) {
        return new TestRequest("GET", path, null);
    }

    public TestRequest header(String name, String value) {
        headers.put(name.toLowerCase(Locale.ROOT), value);
        return this;
    }

    public TestRequest host(String host) {
        return header("host", host);
    }

    public TestRequest cookie(String name, String value) {
        String current = headers.get("cookie");
        return header("cookie", (current == null ? "" : current + "; ") + name + "=" + value);
    }

    public TestRequest client(String address) {
        this.client = address;
        return this;
    }

    @Override
    public String method() {
        return method;
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
        return headers.get("host");
    }

    @Override
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    @Override
    public String cookie(String name) {
        return StickyCookies.find(headers.get("cookie"), name);
    }

    @Override
    public String clientAddress() {
        return client;
    }
}
