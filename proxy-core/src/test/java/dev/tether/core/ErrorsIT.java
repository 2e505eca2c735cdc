package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tether.core.config.BackendTimeouts;
import dev.tether.core.testing.LeakCheck;
import dev.tether.core.testing.RawClient;
import dev.tether.core.testing.TestBackend;
import dev.tether.core.testing.TestProxy;
import dev.tether.routing.config.ServerConfig;
import dev.tether.routing.model.ServerState;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every error ends in a definite status or a visibly cut transfer, never a hang. */
@ExtendWith(LeakCheck.class)
class ErrorsIT {

    private TestBackend a;
    private ProxyServer proxy;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void setUp() throws Exception {
        a = new TestBackend("a");
    }

    @AfterEach
    void tearDown() {
        if (proxy != null) {
            proxy.stop(Duration.ZERO);
        }
        a.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(TestProxy.uri(proxy, path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A port on 127.0.0.1 that nothing listens on. */
    static int deadPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void unreachableServerGives502AfterRetries() throws Exception {
        TestProxy p = new TestProxy();
        p.servers.add(ServerConfig.of("dead", "127.0.0.1", deadPort()));
        p.retries = 2;
        proxy = p.start();
        HttpResponse<String> r = get("/x");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("could not connect to server app/dead");
    }

    @Test
    void connectFailureIsRedispatchedToALiveServer() throws Exception {
        TestProxy p = new TestProxy();
        p.servers.add(ServerConfig.of("dead", "127.0.0.1", deadPort()));
        p.backends(a);
        p.retries = 1;
        proxy = p.start();
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(TestProxy.uri(proxy, "/post"))
                    .POST(HttpRequest.BodyPublishers.ofString("payload " + i)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("X-Backend-Id")).hasValue("a");
        }
        // Every POST reached the live server exactly once.
        assertThat(a.count("/post")).isEqualTo(6);
    }

    @Test
    void noUsableServerGives503() throws Exception {
        TestProxy p = new TestProxy().backends(a);
        // No queueing: QueueIT covers waiting for a server.
        p.timeouts = BackendTimeouts.defaults().withQueue(Duration.ZERO);
        proxy = p.start();
        proxy.tables().setServerState("app", "a", ServerState.MAINT);
        HttpResponse<String> r = get("/x");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(a.count("/x")).isZero();
    }

    @Test
    void serverTimeoutGives504() throws Exception {
        TestProxy p = new TestProxy().backends(a);
        p.timeouts = BackendTimeouts.defaults().withServer(Duration.ofMillis(300));
        proxy = p.start();
        HttpResponse<String> r = get("/delay?ms=3000");
        assertThat(r.statusCode()).isEqualTo(504);
        // The connection stays usable for the next request.
        assertThat(get("/after").statusCode()).isEqualTo(200);
    }

    @Test
    void serverClosingBeforeAnsweringGives502() throws Exception {
        proxy = new TestProxy().backends(a).start();
        assertThat(get("/close").statusCode()).isEqualTo(502);
    }

    @Test
    void pooledConnectionClosedOnReuseIsRetriedOnceOnAFreshConnection() throws Exception {
        proxy = new TestProxy().backends(a).start();
        assertThat(get("/warm").statusCode()).isEqualTo(200);
        // The pooled connection carries the next GET; the server closes without answering. An idempotent
        // request that got no answer on a reused connection goes again on a new one, which here fails as well.
        assertThat(get("/close").statusCode()).isEqualTo(502);
        assertThat(a.count("/close")).isEqualTo(2);
        assertThat(a.connections()).isEqualTo(2);
        // A POST is never sent twice.
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(TestProxy.uri(proxy, "/close"))
                .POST(HttpRequest.BodyPublishers.ofString("once")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(502);
        assertThat(a.count("/close")).isEqualTo(3);
    }

    @Test
    void clientThatDisappearsCancelsItsServerRequest() throws Exception {
        proxy = new TestProxy().backends(a).start();
        try (RawClient raw = new RawClient(proxy.port())) {
            raw.send("GET /delay?ms=5000 HTTP/1.1\r\nHost: x\r\n\r\n");
            await().atMost(Duration.ofSeconds(2))
                    .until(() -> proxy.inFlight().inFlight("app/a") == 1);
        }
        // The client is gone: the exchange ends and its slot is free long before the server would answer.
        await().atMost(Duration.ofSeconds(2))
                .until(() -> proxy.inFlight().inFlight("app/a") == 0);
    }

    @Test
    void configuredPerClientCapClosesTheExtraConnection() throws Exception {
        TestProxy p = new TestProxy().backends(a);
        p.listener = p.listener.withMaxConnections(0, 1);
        proxy = p.start();
        try (RawClient first = new RawClient(proxy.port())) {
            assertThat(first.send("GET /first HTTP/1.1\r\nHost: x\r\n\r\n").readResponses(1))
                    .startsWith("HTTP/1.1 200");
            try (RawClient second = new RawClient(proxy.port())) {
                second.timeout(5000);
                assertThat(second.closedByPeer()).isTrue();
            }
            assertThat(first.send("GET /still-served HTTP/1.1\r\nHost: x\r\n\r\n").readResponses(1))
                    .startsWith("HTTP/1.1 200");
        }
        assertThat(a.count("/first") + a.count("/still-served")).isEqualTo(2);
    }

    @Test
    void garbageFromTheServerGives502() throws Exception {
        proxy = new TestProxy().backends(a).start();
        assertThat(get("/garbage").statusCode()).isEqualTo(502);
    }

    @Test
    void serverDyingMidBodyCutsTheClientTransfer() throws Exception {
        proxy = new TestProxy().backends(a).start();
        assertThatThrownBy(() -> get("/partial")).isInstanceOf(IOException.class);
        try (RawClient raw = new RawClient(proxy.port())) {
            String got = raw.send("GET /partial HTTP/1.1\r\nHost: x\r\n\r\n").readUntilClose();
            assertThat(got).startsWith("HTTP/1.1 200").contains("content-length: 1000");
            assertThat(got.length() - got.indexOf("\r\n\r\n") - 4).isEqualTo(10);
        }
    }

    @Test
    void malformedRequestGives400AndClose() throws Exception {
        proxy = new TestProxy().backends(a).start();
        try (RawClient raw = new RawClient(proxy.port())) {
            String got = raw.send("THIS IS NOT HTTP\r\n\r\n").readUntilClose();
            assertThat(got).startsWith("HTTP/1.1 400");
        }
        assertThat(a.seen()).isEmpty();
    }

    @Test
    void missingHostOnHttp11Gives400() throws Exception {
        proxy = new TestProxy().backends(a).start();
        try (RawClient raw = new RawClient(proxy.port())) {
            assertThat(raw.send("GET / HTTP/1.1\r\n\r\n").readUntilClose()).startsWith("HTTP/1.1 400");
        }
    }

    @Test
    void tooLongUriGives414AndTooLargeHeadGives431() throws Exception {
        proxy = new TestProxy().backends(a).start();
        try (RawClient raw = new RawClient(proxy.port())) {
            String got = raw.send("GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n").readUntilClose();
            assertThat(got).startsWith("HTTP/1.1 414");
        }
        try (RawClient raw = new RawClient(proxy.port())) {
            String got = raw.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(40_000) + "\r\n\r\n")
                    .readUntilClose();
            assertThat(got).startsWith("HTTP/1.1 431");
        }
        assertThat(a.seen()).isEmpty();
    }

    @Test
    void bodyOverTheLimitGives413() throws Exception {
        TestProxy p = new TestProxy().backends(a);
        p.listener = p.listener.withMaxBodyBytes(1000);
        proxy = p.start();
        try (RawClient raw = new RawClient(proxy.port())) {
            String got = raw.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n").readUntilClose();
            assertThat(got).startsWith("HTTP/1.1 413");
        }
        try (RawClient raw = new RawClient(proxy.port())) {
            // Chunked: the size is only known as it streams.
            String got = raw.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "400\r\n" + "x".repeat(1024) + "\r\n").readUntilClose();
            assertThat(got).startsWith("HTTP/1.1 413");
        }
        assertThat(a.count("/upload")).isZero();
    }

    @Test
    void slowRequestHeadGives408() throws Exception {
        TestProxy p = new TestProxy().backends(a);
        p.listener = p.listener.withHttpRequestTimeout(Duration.ofMillis(300));
        proxy = p.start();
        try (RawClient raw = new RawClient(proxy.port())) {
            raw.send("GET / HTTP/1.1\r\nHost: x\r\n");
            assertThat(raw.readUntilClose()).startsWith("HTTP/1.1 408");
        }
    }

    @Test
    void stalledRequestBodyGives408() throws Exception {
        TestProxy p = new TestProxy().backends(a);
        p.listener = p.listener.withClientTimeout(Duration.ofMillis(300));
        proxy = p.start();
        try (RawClient raw = new RawClient(proxy.port())) {
            raw.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly-part");
            assertThat(raw.readUntilClose()).startsWith("HTTP/1.1 408");
        }
    }

    @Test
    void idleKeepAliveConnectionIsClosed() throws Exception {
        TestProxy p = new TestProxy().backends(a);
        p.listener = p.listener.withKeepAliveTimeout(Duration.ofMillis(300));
        proxy = p.start();
        try (RawClient raw = new RawClient(proxy.port())) {
            assertThat(raw.send("GET /one HTTP/1.1\r\nHost: x\r\n\r\n").readResponses(1)).startsWith("HTTP/1.1 200");
            raw.timeout(5000);
            assertThat(raw.closedByPeer()).isTrue();
        }
    }
}
