package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tether.core.config.BackendTimeouts;
import dev.tether.core.testing.LeakCheck;
import dev.tether.core.testing.RawClient;
import dev.tether.core.testing.TestProxy;
import dev.tether.core.testing.WebSocketBackend;
import dev.tether.routing.config.ServerConfig;
import dev.tether.routing.config.StickyCookieConfig;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** WebSockets through Tether: a real Netty websocket server behind it, the JDK's websocket client in front. */
@ExtendWith(LeakCheck.class)
class WebSocketIT {

    private WebSocketBackend ws1;
    private WebSocketBackend ws2;
    private ProxyServer proxy;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void setUp() throws Exception {
        ws1 = new WebSocketBackend();
        ws2 = new WebSocketBackend();
    }

    @AfterEach
    void tearDown() {
        if (proxy != null) {
            proxy.stop(Duration.ZERO);
        }
        ws1.close();
        ws2.close();
    }

    private TestProxy proxyFor(WebSocketBackend... backends) {
        TestProxy p = new TestProxy();
        for (int i = 0; i < backends.length; i++) {
            p.servers.add(ServerConfig.of("ws" + (i + 1), "127.0.0.1", backends[i].port()));
        }
        return p;
    }

    private URI wsUri(String path) {
        return URI.create("ws://127.0.0.1:" + proxy.port() + path);
    }

    /** Collects whole messages and the close. */
    static final class Collector implements WebSocket.Listener {
        final LinkedBlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final CompletableFuture<ByteBuffer> pong = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            binary.writeBytes(b);
            if (last) {
                messages.add(binary.toByteArray());
                binary.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
            pong.complete(message);
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete(-1);
        }

        Object next() throws InterruptedException {
            Object m = messages.poll(90, TimeUnit.SECONDS);
            assertThat(m).as("a message within 90 s").isNotNull();
            return m;
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 125, 126, 65_535, 65_536, 1024 * 1024, 16 * 1024 * 1024})
    void binaryAndTextEchoThroughTheTunnel(int size) throws Exception {
        proxy = proxyFor(ws1).start();
        Collector c = new Collector();
        WebSocket socket = client.newWebSocketBuilder().buildAsync(wsUri("/ws"), c).join();
        byte[] payload = new byte[size];
        new Random(size).nextBytes(payload);
        socket.sendBinary(ByteBuffer.wrap(payload), true).join();
        assertThat((byte[]) c.next()).isEqualTo(payload);
        if (size <= 65_536) {
            String text = "é".repeat(Math.max(1, size / 2));
            socket.sendText(text, true).join();
            assertThat(c.next()).isEqualTo(text);
        }
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        assertThat(c.closed.get(10, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
    }

    @Test
    void pingGetsPong() throws Exception {
        proxy = proxyFor(ws1).start();
        Collector c = new Collector();
        WebSocket socket = client.newWebSocketBuilder().buildAsync(wsUri("/ws"), c).join();
        socket.sendPing(ByteBuffer.wrap(new byte[] {1, 2, 3})).join();
        assertThat(c.pong.get(10, TimeUnit.SECONDS)).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        socket.abort();
    }

    @Test
    void fiveHundredConcurrentWebSockets() throws Exception {
        proxy = proxyFor(ws1, ws2).start();
        List<WebSocket> sockets = new ArrayList<>();
        List<Collector> collectors = new ArrayList<>();
        List<CompletableFuture<WebSocket>> opening = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            Collector c = new Collector();
            collectors.add(c);
            opening.add(client.newWebSocketBuilder().buildAsync(wsUri("/ws"), c));
        }
        for (CompletableFuture<WebSocket> f : opening) {
            sockets.add(f.get(30, TimeUnit.SECONDS));
        }
        for (int i = 0; i < 500; i++) {
            sockets.get(i).sendText("hello " + i, true);
        }
        for (int i = 0; i < 500; i++) {
            assertThat(collectors.get(i).next()).isEqualTo("hello " + i);
        }
        assertThat(ws1.upgrades.get() + ws2.upgrades.get()).isEqualTo(500);
        assertThat(ws1.upgrades.get()).isEqualTo(250);
        sockets.forEach(WebSocket::abort);
    }

    @Test
    void upgradeIsStickyAndSetsTheCookie() throws Exception {
        TestProxy p = proxyFor(ws1, ws2);
        p.cookie = StickyCookieConfig.insert("SRV");
        proxy = p.start();
        try (RawClient raw = new RawClient(proxy.port())) {
            String response = raw.send("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .readUntilHeadEnd();
            assertThat(response).startsWith("HTTP/1.1 101").contains("set-cookie: SRV=")
                    .contains("sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
            String cookie = response.lines().filter(l -> l.startsWith("set-cookie: ")).findFirst().orElseThrow()
                    .substring("set-cookie: ".length()).split(";")[0];
            int firstBackend = ws1.upgrades.get() == 1 ? 1 : 2;
            for (int i = 0; i < 5; i++) {
                WebSocket s = client.newWebSocketBuilder().header("Cookie", cookie)
                        .buildAsync(wsUri("/ws"), new Collector()).join();
                s.abort();
            }
            WebSocketBackend sticky = firstBackend == 1 ? ws1 : ws2;
            WebSocketBackend other = firstBackend == 1 ? ws2 : ws1;
            assertThat(sticky.upgrades.get()).isEqualTo(6);
            assertThat(other.upgrades.get()).isZero();
        }
    }

    @Test
    void nonSwitchingAnswerStaysHttp() throws Exception {
        proxy = proxyFor(ws1).start();
        assertThatThrownBy(() -> client.newWebSocketBuilder().buildAsync(wsUri("/not-a-socket"), new Collector()).join())
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e.getCause()).getResponse().statusCode())
                        .isEqualTo(404));
    }

    @Test
    void badUpgradeRequestsAreRefused() throws Exception {
        proxy = proxyFor(ws1).start();
        try (RawClient raw = new RawClient(proxy.port())) {
            String response = raw.send("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").readUntilClose();
            assertThat(response).startsWith("HTTP/1.1 400");
        }
        try (RawClient raw = new RawClient(proxy.port())) {
            assertThat(raw.send("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n").readUntilClose())
                    .startsWith("HTTP/1.1 501");
        }
        assertThat(ws1.upgrades.get()).isZero();
    }

    @Test
    void tunnelTimeoutClosesAnIdleTunnel() throws Exception {
        TestProxy p = proxyFor(ws1);
        p.timeouts = BackendTimeouts.defaults().withTunnel(Duration.ofMillis(500));
        proxy = p.start();
        Collector c = new Collector();
        WebSocket socket = client.newWebSocketBuilder().buildAsync(wsUri("/ws"), c).join();
        // Activity keeps it open past the timeout...
        for (int i = 0; i < 4; i++) {
            socket.sendText("keep " + i, true).join();
            assertThat(c.next()).isEqualTo("keep " + i);
            Thread.sleep(200);
        }
        assertThat(c.closed).isNotDone();
        // ...and silence closes it.
        assertThat(c.closed.get(5, TimeUnit.SECONDS)).isNotNull();
    }

    @Test
    void gracefulStopKeepsOpenTunnelsUntilTheDrainTimeout() throws Exception {
        proxy = proxyFor(ws1).start();
        Collector c = new Collector();
        WebSocket socket = client.newWebSocketBuilder().buildAsync(wsUri("/ws"), c).join();
        ProxyServer stopping = proxy;
        proxy = null;
        long t0 = System.nanoTime();
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> stopping.stop(Duration.ofSeconds(2)));
        // While the proxy drains, the tunnel still carries messages...
        Thread.sleep(300);
        socket.sendText("during drain", true).join();
        assertThat(c.next()).isEqualTo("during drain");
        assertThat(c.closed).isNotDone();
        // ...and the drain timeout closes it.
        assertThat(c.closed.get(10, TimeUnit.SECONDS)).isNotNull();
        stopped.get(10, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
    }

    @Test
    void serverDyingClosesTheClientPromptly() throws Exception {
        proxy = proxyFor(ws1).start();
        Collector c = new Collector();
        WebSocket socket = client.newWebSocketBuilder().buildAsync(wsUri("/ws"), c).join();
        socket.sendText("before", true).join();
        assertThat(c.next()).isEqualTo("before");
        ws1.kill();
        assertThat(c.closed.get(1, TimeUnit.SECONDS)).isNotNull();
        await().atMost(Duration.ofSeconds(2)).until(() -> proxy.inFlight().inFlight("app/ws1") == 0);
    }
}
