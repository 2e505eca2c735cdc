package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tether.core.config.BackendTimeouts;
import dev.tether.core.testing.LeakCheck;
import dev.tether.core.testing.RawClient;
import dev.tether.core.testing.TestBackend;
import dev.tether.core.testing.TestProxy;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Forwarding over real loopback sockets: balancing, keep-alive, pipelining, streaming, headers, stop. */
@ExtendWith(LeakCheck.class)
class ForwardingIT {

    private TestBackend a;
    private TestBackend b;
    private ProxyServer proxy;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void setUp() throws Exception {
        a = new TestBackend("a");
        b = new TestBackend("b");
    }

    @AfterEach
    void tearDown() {
        if (proxy != null) {
            proxy.stop(Duration.ZERO);
        }
        a.close();
        b.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(TestProxy.uri(proxy, path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void roundRobinSpreadsRequestsEvenly() throws Exception {
        proxy = new TestProxy().backends(a, b).start();
        List<String> served = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = get("/hello?i=" + i);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).endsWith("GET /hello?i=" + i);
            served.add(r.headers().firstValue("X-Backend-Id").orElseThrow());
        }
        assertThat(served).filteredOn("a"::equals).hasSize(5);
        assertThat(served).filteredOn("b"::equals).hasSize(5);
    }

    @Test
    void keepAliveReusesServerConnections() throws Exception {
        proxy = new TestProxy().backends(a).start();
        for (int i = 0; i < 20; i++) {
            assertThat(get("/k").statusCode()).isEqualTo(200);
        }
        assertThat(a.count("/k")).isEqualTo(20);
        assertThat(a.connections()).isLessThanOrEqualTo(2);
    }

    @Test
    void idlePooledConnectionsAreClosedAfterThePoolIdleTimeout() throws Exception {
        TestProxy p = new TestProxy().backends(a);
        p.timeouts = BackendTimeouts.defaults().withPoolIdle(Duration.ofMillis(200));
        proxy = p.start();
        assertThat(get("/one").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(2)).until(() -> proxy.connector().idleConnections() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.connector().idleConnections() == 0);
        assertThat(get("/two").statusCode()).isEqualTo(200);
        assertThat(a.connections()).isEqualTo(2);
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        proxy = new TestProxy().backends(a, b).start();
        try (RawClient raw = new RawClient(proxy.port())) {
            raw.send("GET /delay?ms=200 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /second HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /third HTTP/1.1\r\nHost: x\r\n\r\n");
            String responses = raw.readResponses(3);
            int first = responses.indexOf("delayed");
            int second = responses.indexOf("GET /second");
            int third = responses.indexOf("GET /third");
            assertThat(first).isPositive();
            assertThat(second).isGreaterThan(first);
            assertThat(third).isGreaterThan(second);
        }
    }

    @Test
    void fiftyMegabyteUploadStreamsThrough() throws Exception {
        proxy = new TestProxy().backends(a).start();
        byte[] chunk = new byte[1024 * 1024];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = (byte) (i * 31);
        }
        CRC32 crc = new CRC32();
        for (int i = 0; i < 50; i++) {
            crc.update(chunk);
        }
        HttpRequest request = HttpRequest.newBuilder(TestProxy.uri(proxy, "/upload"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new RepeatingStream(chunk, 50)))
                .build();
        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("bytes=" + 50L * chunk.length + " crc=" + crc.getValue());
    }

    @Test
    void slowReaderMakesTheProxyStopReadingTheServer() throws Exception {
        proxy = new TestProxy().backends(a).start();
        long total = 256L * 1024 * 1024;
        try (RawClient raw = new RawClient(proxy.port())) {
            raw.send("GET /download?bytes=" + total + " HTTP/1.1\r\nHost: x\r\n\r\n");
            InputStream in = raw.in();
            in.readNBytes(1024 * 1024);
            // The client stops reading. Socket buffers fill, then the proxy must stop reading the server, so the
            // server cannot push more than the buffers along the way hold.
            await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                    .until(() -> stable(a.downloadWritten.get()));
            assertThat(a.downloadWritten.get()).isLessThan(64L * 1024 * 1024);
            long read = 1024 * 1024;
            byte[] buf = new byte[256 * 1024];
            int n;
            while (read < total && (n = in.read(buf)) > 0) {
                read += n;
            }
            assertThat(read).isGreaterThanOrEqualTo(total);
        }
    }

    private long lastSeen = -1;

    private boolean stable(long value) {
        boolean same = value == lastSeen;
        lastSeen = value;
        return same;
    }

    @Test
    void hopByHopHeadersAreRemovedAndForwardingHeadersSet() throws Exception {
        proxy = new TestProxy().backends(a).start();
        try (RawClient raw = new RawClient(proxy.port())) {
            raw.send("GET /h HTTP/1.1\r\nHost: app.example:8443\r\nConnection: keep-alive, X-Secret\r\n"
                    + "X-Secret: 1\r\nKeep-Alive: timeout=5\r\nProxy-Authorization: Basic eA==\r\nTE: trailers\r\n"
                    + "X-Forwarded-For: 6.6.6.6\r\nX-Kept: yes\r\n\r\n");
            assertThat(raw.readResponses(1)).startsWith("HTTP/1.1 200");
        }
        var seen = a.seen().get(0).headers();
        assertThat(seen.contains("X-Secret")).isFalse();
        assertThat(seen.contains("Keep-Alive")).isFalse();
        assertThat(seen.contains("Proxy-Authorization")).isFalse();
        assertThat(seen.contains("TE")).isFalse();
        assertThat(seen.get("X-Kept")).isEqualTo("yes");
        assertThat(seen.get("Host")).isEqualTo("app.example:8443");
        assertThat(seen.get("X-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(seen.get("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(seen.get("X-Forwarded-Host")).isEqualTo("app.example:8443");
    }

    @Test
    void http10ClientGetsAnHttp10Answer() throws Exception {
        proxy = new TestProxy().backends(a).start();
        try (RawClient raw = new RawClient(proxy.port())) {
            raw.send("GET /old HTTP/1.0\r\n\r\n");
            String response = raw.readUntilClose();
            assertThat(response).startsWith("HTTP/1.0 200").contains("a GET /old");
        }
    }

    @Test
    void gracefulStopLetsTheRequestInFlightFinish() throws Exception {
        proxy = new TestProxy().backends(a).start();
        CompletableFuture<HttpResponse<String>> slow = client.sendAsync(
                HttpRequest.newBuilder(TestProxy.uri(proxy, "/delay?ms=700")).build(),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.inFlight().inFlight("app/a") == 1);
        int port = proxy.port();
        proxy.stop(Duration.ofSeconds(5));
        proxy = null;
        assertThat(slow.get().statusCode()).isEqualTo(200);
        assertThat(slow.get().body()).isEqualTo("a delayed");
        assertThatThrownBy(() -> new RawClient(port)).isInstanceOf(IOException.class);
    }

    /** Yields {@code chunk} {@code times} times without holding more than one chunk. */
    static final class RepeatingStream extends InputStream {
        private final byte[] chunk;
        private int left;
        private int pos;

        RepeatingStream(byte[] chunk, int times) {
            this.chunk = chunk;
            this.left = times;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int n = Math.min(len, chunk.length - pos);
            System.arraycopy(chunk, pos, b, off, n);
            pos += n;
            if (pos == chunk.length) {
                pos = 0;
                left--;
            }
            return n;
        }
    }
}
