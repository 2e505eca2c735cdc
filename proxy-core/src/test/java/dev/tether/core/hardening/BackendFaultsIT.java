package dev.tether.core.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.core.ProxyServer;
import dev.tether.core.config.BackendTimeouts;
import dev.tether.core.testing.FaultyBackend;
import dev.tether.core.testing.FaultyBackend.After;
import dev.tether.core.testing.LeakCheck;
import dev.tether.core.testing.RawClient;
import dev.tether.core.testing.TestProxy;
import dev.tether.routing.config.ServerConfig;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 9, "Backend faults": a server that answers wrongly gets its client a definite status or a visibly cut
 * transfer, and a connection that carried a bad answer is never reused for someone else's request.
 */
@ExtendWith(LeakCheck.class)
class BackendFaultsIT {

    private FaultyBackend server;
    private ProxyServer proxy;
    private RawClient client;

    @BeforeEach
    void start() throws Exception {
        server = new FaultyBackend();
        TestProxy p = new TestProxy();
        p.servers.add(ServerConfig.of("faulty", "127.0.0.1", server.port()));
        BackendTimeouts d = BackendTimeouts.defaults();
        p.timeouts = new BackendTimeouts(d.connect(), Duration.ofMillis(500), d.queue(), d.tunnel(), d.poolIdle(),
                d.poolMaxIdle());
        proxy = p.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        proxy.stop(Duration.ZERO);
        server.close();
    }

    /**
     * One request on the test's one client connection. Backend pools are per event loop, so only requests from
     * one client connection are sure to share a loop and thus a pool: that is how a test sees reuse.
     */
    private String get(String path) throws Exception {
        if (client == null) {
            client = new RawClient(proxy.port());
        }
        return client.send("GET " + path + " HTTP/1.1\r\nHost: tether.test\r\n\r\n").readResponses(1);
    }

    @Test
    void healthyAnswersReuseOneConnection() throws Exception {
        assertThat(get("/one")).startsWith("HTTP/1.1 200 ").endsWith("ok /one #1");
        assertThat(get("/two")).startsWith("HTTP/1.1 200 ").endsWith("ok /two #1");
        assertThat(server.connections()).isEqualTo(1);
    }

    static Stream<Arguments> badResponses() {
        return Stream.of(
                Arguments.of("garbage", "this is not http\r\n\r\n"),
                Arguments.of("CL+TE", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "0\r\n\r\n"),
                Arguments.of("two Content-Lengths", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n"
                        + "abc"),
                Arguments.of("negative Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"),
                Arguments.of("NUL in a header", "HTTP/1.1 200 OK\r\nX-A: a\0b\r\nContent-Length: 0\r\n\r\n"),
                Arguments.of("oversized headers", "HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(70_000)
                        + "\r\nContent-Length: 0\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badResponses")
    void ambiguousOrBrokenResponseGives502AndItsConnectionIsNotReused(String name, String raw) throws Exception {
        server.on("/bad", raw, After.KEEP_OPEN);
        assertThat(get("/bad")).as(name).startsWith("HTTP/1.1 502 ");
        assertThat(get("/after")).startsWith("HTTP/1.1 200 ").endsWith("ok /after #2");
    }

    static Stream<Arguments> badChunkSizes() {
        return Stream.of(
                Arguments.of("17 hex digits", "00000000000000005"),
                Arguments.of("leading space", " 5"),
                Arguments.of("leading tab", "\t5"),
                Arguments.of("0x prefix", "0x5"),
                Arguments.of("not hex", "zz"),
                Arguments.of("beyond an int", "80000000"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badChunkSizes")
    void badResponseChunkSizeGives502WhenTheStatusWasNotSentYet(String name, String size) throws Exception {
        server.on("/chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + size + "\r\nhello\r\n0\r\n\r\n", After.KEEP_OPEN);
        assertThat(get("/chunk")).as(name).startsWith("HTTP/1.1 502 ");
        assertThat(get("/after")).startsWith("HTTP/1.1 200 ").endsWith("ok /after #2");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badChunkSizes")
    void badResponseChunkSizeAfterTheStatusWasSentCutsTheClientTransfer(String name, String size) throws Exception {
        server.onInParts("/chunk", After.KEEP_OPEN, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nfirst\r\n", size + "\r\nhello\r\n0\r\n\r\n");
        String r;
        try (RawClient c = new RawClient(proxy.port())) {
            r = c.send("GET /chunk HTTP/1.1\r\nHost: tether.test\r\n\r\n").readUntilClose();
        }
        assertThat(r).as(name).startsWith("HTTP/1.1 200 ").contains("first").doesNotContain("hello")
                .doesNotEndWith("0\r\n\r\n");
        assertThat(get("/after")).startsWith("HTTP/1.1 200 ").endsWith("ok /after #2");
    }

    @Test
    void sixteenHexDigitsAndExtensionsAreStillAccepted() throws Exception {
        server.on("/chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0000000000000005;name=value\r\nhello\r\n0\r\n\r\n", After.KEEP_OPEN);
        String r;
        try (RawClient c = new RawClient(proxy.port())) {
            r = c.send("GET /chunk HTTP/1.1\r\nHost: tether.test\r\nConnection: close\r\n\r\n").readUntilClose();
        }
        assertThat(r).startsWith("HTTP/1.1 200 ").endsWith("\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    }

    @Test
    void headResponseWithChunkedHeaderIsFollowedByTheNextResponseOnTheSameConnection() throws Exception {
        // The answer to HEAD has no body: the scanner must not read the next status line as a chunk size.
        server.on("/head", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", After.KEEP_OPEN);
        if (client == null) {
            client = new RawClient(proxy.port());
        }
        assertThat(client.send("HEAD /head HTTP/1.1\r\nHost: tether.test\r\n\r\n").readUntilHeadEnd())
                .startsWith("HTTP/1.1 200 ");
        assertThat(get("/after")).startsWith("HTTP/1.1 200 ").endsWith("ok /after #1");
    }

    @Test
    void extraBytesAfterACompleteResponseNeverReachTheNextClient() throws Exception {
        server.on("/extra", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                + "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil", After.KEEP_OPEN);
        assertThat(get("/extra")).startsWith("HTTP/1.1 200 ").endsWith("\r\n\r\nok");
        for (int i = 0; i < 3; i++) {
            String next = get("/next");
            assertThat(next).doesNotContain("evil").startsWith("HTTP/1.1 200 ").contains("ok /next #");
        }
        assertThat(server.count("/next")).isEqualTo(3);
        assertThat(server.connections()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void whitespaceBeforeAColonInAResponseIsRemovedOnTheWayBack() throws Exception {
        // RFC 9112 section 5.1: a proxy removes it before forwarding; Tether re-serialises every response head.
        server.on("/ws", "HTTP/1.1 200 OK\r\nContent-Length : 2\r\nX-A : b\r\n\r\nok", After.KEEP_OPEN);
        String r = get("/ws");
        assertThat(r).startsWith("HTTP/1.1 200 ").endsWith("\r\n\r\nok").doesNotContain(" :");
    }

    @Test
    void statusOutsideThreeDigitsGives502() throws Exception {
        server.on("/status", "HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n", After.KEEP_OPEN);
        assertThat(get("/status")).startsWith("HTTP/1.1 502 ");
        assertThat(get("/after")).endsWith("ok /after #2");
    }

    @Test
    void hangingServerGives504AndItsConnectionIsClosed() throws Exception {
        server.on("/hang", "", After.HANG);
        assertThat(get("/hang")).startsWith("HTTP/1.1 504 ");
        assertThat(get("/after")).endsWith("ok /after #2");
    }

    @Test
    void serverDyingMidBodyCutsTheClientTransfer() throws Exception {
        server.on("/partial", "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789", After.CLOSE);
        String got;
        try (RawClient c = new RawClient(proxy.port())) {
            got = c.send("GET /partial HTTP/1.1\r\nHost: tether.test\r\n\r\n").readUntilClose();
        }
        assertThat(got).startsWith("HTTP/1.1 200 ").containsIgnoringCase("content-length: 1000");
        assertThat(got.substring(got.indexOf("\r\n\r\n") + 4)).isEqualTo("0123456789");
    }

    @Test
    void postIsNeverRetriedWhenTheServerClosesWithoutAnswering() throws Exception {
        assertThat(get("/warm")).endsWith("ok /warm #1");
        server.on("/post", "", After.CLOSE);
        try (RawClient c = new RawClient(proxy.port())) {
            String r = c.send("POST /post HTTP/1.1\r\nHost: tether.test\r\nContent-Length: 0\r\n\r\n")
                    .readResponses(1);
            assertThat(r).startsWith("HTTP/1.1 502 ");
        }
        assertThat(server.count("/post")).isEqualTo(1);
    }

    @Test
    void idempotentRequestOnAReusedConnectionIsRetriedOnceOnAFreshOne() throws Exception {
        assertThat(get("/warm")).endsWith("ok /warm #1");
        server.on("/get", "", After.CLOSE);
        assertThat(get("/get")).startsWith("HTTP/1.1 502 ");
        // Once on the pooled connection, once more on a new one, and no further.
        await().atMost(Duration.ofSeconds(2)).until(() -> server.count("/get") == 2);
        assertThat(server.count("/get")).isEqualTo(2);
        assertThat(server.connections()).isEqualTo(2);
    }
}
