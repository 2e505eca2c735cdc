package dev.tether.core.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tether.core.ProxyServer;
import dev.tether.core.config.BackendTimeouts;
import dev.tether.core.log.ExchangeListener;
import dev.tether.core.testing.LeakCheck;
import dev.tether.core.testing.RawClient;
import dev.tether.core.testing.TestProxy;
import dev.tether.routing.config.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 9: {@code Expect: 100-continue} waits for the server. Tether forwards the expectation and relays the server's
 * {@code 100 Continue} once, or its final answer, after which the client's body is not wanted and the connection
 * closes. Tether never sends a 100 of its own, so a client never sends a body a server did not agree to; a server
 * that says nothing is bounded by the server timeout.
 */
@ExtendWith(LeakCheck.class)
class ExpectContinueIT {

    private static final String CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n";
    private static final Duration SERVER_TIMEOUT = Duration.ofSeconds(2);

    private ContinueServer server;
    private ProxyServer proxy;
    private final AtomicInteger redispatches = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        server = new ContinueServer();
        TestProxy p = new TestProxy();
        p.servers.add(ServerConfig.of("s", "127.0.0.1", server.port()));
        // Refuses connections: a request sent there first is redispatched to s.
        int closedPort;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = gone.getLocalPort();
        }
        p.servers.add(ServerConfig.of("dead", "127.0.0.1", closedPort));
        p.events = new ExchangeListener() {
            @Override
            public void retried(String serverId, String failureKind, boolean redispatch) {
                if (redispatch) {
                    redispatches.incrementAndGet();
                }
            }
        };
        BackendTimeouts d = BackendTimeouts.defaults();
        p.timeouts = new BackendTimeouts(d.connect(), SERVER_TIMEOUT, d.queue(), d.tunnel(), d.poolIdle(),
                d.poolMaxIdle());
        proxy = p.start();
    }

    @AfterEach
    void stop() throws Exception {
        proxy.stop(Duration.ZERO);
        server.close();
    }

    private static String post(String path, String extraHeaders) {
        return "POST " + path + " HTTP/1.1\r\nHost: tether.test\r\n" + extraHeaders
                + "Expect: 100-continue\r\nContent-Length: 5\r\n\r\n";
    }

    @Test
    void theServersContinueIsRelayedAndTheBodyThenForwarded() throws Exception {
        try (RawClient c = new RawClient(proxy.port())) {
            assertThat(c.send(post("/continue", "")).readUntilHeadEnd()).isEqualTo(CONTINUE);
            String r = c.send("hello").readResponses(1);
            assertThat(r).startsWith("HTTP/1.1 200 ").endsWith("got hello");
        }
        assertThat(server.heads).singleElement().satisfies(h ->
                assertThat(h.toLowerCase(Locale.ROOT)).contains("\r\nexpect: 100-continue\r\n"));
    }

    @Test
    void twoContinuesFromTheServerReachTheClientOnce() throws Exception {
        try (RawClient c = new RawClient(proxy.port())) {
            assertThat(c.send(post("/continue-twice", "")).readUntilHeadEnd()).isEqualTo(CONTINUE);
            String r = c.send("hello").readResponses(1);
            assertThat(r).startsWith("HTTP/1.1 200 ").endsWith("got hello");
            // The keep-alive connection serves another exchange, which gets its own single 100.
            assertThat(c.send(post("/continue", "")).readUntilHeadEnd()).isEqualTo(CONTINUE);
            assertThat(c.send("again").readResponses(1)).startsWith("HTTP/1.1 200 ").endsWith("got again");
        }
    }

    @Test
    void aFinalAnswerInsteadOfContinueIsRelayedAndTheBodyIsNotWanted() throws Exception {
        try (RawClient c = new RawClient(proxy.port())) {
            String r = c.send(post("/refuse", "")).readResponses(1);
            assertThat(r).startsWith("HTTP/1.1 417 ").containsIgnoringCase("connection: close")
                    .endsWith("no thanks");
            assertThat(c.closedByPeer()).isTrue();
        }
        assertThat(server.bodies).isEmpty();
        // That server connection never saw its announced body, so it is closed rather than pooled.
        await().atMost(Duration.ofSeconds(5)).until(() -> server.closedByProxy.get() == 1);
    }

    @Test
    void aRedispatchedRequestStillGetsExactlyOneContinue() throws Exception {
        // Round-robin over s and dead: of two requests, one goes to dead first and is redispatched to s.
        for (String text : List.of("first", "later")) {
            try (RawClient c = new RawClient(proxy.port())) {
                assertThat(c.send(post("/continue-twice", "")).readUntilHeadEnd()).isEqualTo(CONTINUE);
                String r = c.send(text).readResponses(1);
                assertThat(r).startsWith("HTTP/1.1 200 ").endsWith("got " + text);
            }
        }
        assertThat(redispatches.get()).isEqualTo(1);
        assertThat(server.heads).hasSize(2);
    }

    @Test
    void tetherSendsNoContinueOfItsOwnAndABodySentAnywayIsForwarded() throws Exception {
        try (RawClient c = new RawClient(proxy.port())) {
            c.send(post("/silent", ""));
            // As curl does after a second without a 100: nothing came, so the body goes anyway.
            c.timeout(300);
            assertThatThrownBy(() -> c.in().read()).isInstanceOf(SocketTimeoutException.class);
            c.timeout(10_000);
            String r = c.send("hello").readResponses(1);
            assertThat(r).startsWith("HTTP/1.1 200 ").endsWith("got hello").doesNotContain("100 Continue");
        }
    }

    @Test
    void aClientWaitingForAContinueThatNeverComesGets504AtTheServerTimeout() throws Exception {
        try (RawClient c = new RawClient(proxy.port())) {
            long t0 = System.nanoTime();
            String r = c.send(post("/silent", "")).readResponses(1);
            long waited = System.nanoTime() - t0;
            assertThat(r).startsWith("HTTP/1.1 504 ");
            assertThat(Duration.ofNanos(waited)).isGreaterThanOrEqualTo(SERVER_TIMEOUT.minusMillis(100));
        }
    }

    @Test
    void anUnsupportedExpectationGets417AndNeverReachesAServer() throws Exception {
        try (RawClient c = new RawClient(proxy.port())) {
            String r = c.send("POST /x HTTP/1.1\r\nHost: tether.test\r\nExpect: teapot\r\nContent-Length: 5\r\n\r\n")
                    .readResponses(1);
            assertThat(r).startsWith("HTTP/1.1 417 ");
        }
        assertThat(server.heads).isEmpty();
    }

    @Test
    void http10AndBodylessRequestsDoNotForwardTheExpectation() throws Exception {
        try (RawClient c = new RawClient(proxy.port())) {
            String r = c.send("POST /plain HTTP/1.0\r\nHost: tether.test\r\nExpect: 100-continue\r\n"
                    + "Content-Length: 5\r\n\r\nhello").readResponses(1);
            assertThat(r).startsWith("HTTP/1.0 200 ").endsWith("got hello").doesNotContain("100 Continue");
        }
        try (RawClient c = new RawClient(proxy.port())) {
            String r = c.send("GET /plain HTTP/1.1\r\nHost: tether.test\r\nExpect: 100-continue\r\n\r\n")
                    .readResponses(1);
            assertThat(r).startsWith("HTTP/1.1 200 ").doesNotContain("100 Continue");
        }
        assertThat(server.heads).hasSize(2).allSatisfy(h -> assertThat(h.toLowerCase(Locale.ROOT))
                .doesNotContain("expect:"));
    }

    /**
     * A server on 127.0.0.1 port 0 that honours Expect by path: {@code /continue} sends 100 and then reads the body,
     * {@code /continue-twice} sends two 100s, {@code /refuse} answers 417 without reading, {@code /silent} and
     * anything else read the body without a 100. A read body is answered {@code 200 got <body>}, keep-alive.
     */
    private static final class ContinueServer implements AutoCloseable {

        final List<String> heads = new CopyOnWriteArrayList<>();
        final List<String> bodies = new CopyOnWriteArrayList<>();
        final AtomicInteger connections = new AtomicInteger();
        final AtomicInteger closedByProxy = new AtomicInteger();
        private final ServerSocket socket;
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();

        ContinueServer() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(this::accept, "continue-server-accept");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    accepted.add(s);
                    connections.incrementAndGet();
                    Thread t = new Thread(() -> serve(s), "continue-server");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void serve(Socket s) {
            try (s) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                String head;
                while ((head = readHead(in)) != null) {
                    heads.add(head);
                    String path = head.split(" ", 3)[1];
                    if (path.equals("/refuse")) {
                        write(out, "HTTP/1.1 417 Expectation Failed\r\nContent-Length: 9\r\n\r\nno thanks");
                        continue; // keeps the connection, as a server may; the proxy must not reuse it
                    }
                    if (path.equals("/continue")) {
                        write(out, CONTINUE);
                    } else if (path.equals("/continue-twice")) {
                        write(out, CONTINUE + CONTINUE);
                    }
                    int length = 0;
                    for (String line : head.split("\r\n")) {
                        if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                            length = Integer.parseInt(line.substring(15).trim());
                        }
                    }
                    String body = new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
                    if (body.length() < length) {
                        return;
                    }
                    if (length > 0) {
                        bodies.add(body);
                    }
                    String answer = "got " + body;
                    write(out, "HTTP/1.1 200 OK\r\nContent-Length: " + answer.length() + "\r\n\r\n" + answer);
                }
                closedByProxy.incrementAndGet();
            } catch (IOException gone) {
                // the proxy closed the connection
            }
        }

        private static void write(OutputStream out, String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int state = 0;
            int c;
            while ((c = in.read()) >= 0) {
                b.write(c);
                state = (c == '\r' && (state == 0 || state == 2)) ? state + 1
                        : (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
                if (state == 4) {
                    return b.toString(StandardCharsets.ISO_8859_1);
                }
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }
}
