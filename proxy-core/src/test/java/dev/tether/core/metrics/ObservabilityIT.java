package dev.tether.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tether.core.ProxyServer;
import dev.tether.core.admin.AdminConfig;
import dev.tether.core.admin.AdminServer;
import dev.tether.core.log.AccessLog;
import dev.tether.core.log.AccessLogLine;
import dev.tether.core.log.ExchangeListeners;
import dev.tether.core.testing.LeakCheck;
import dev.tether.core.testing.RawClient;
import dev.tether.core.testing.TestBackend;
import dev.tether.core.testing.TestProxy;
import dev.tether.routing.RoutingTable;
import dev.tether.routing.model.ServerState;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * Metrics, access log and admin listener wired to the real proxy as the report to the lead describes, then driven
 * with real traffic over loopback: the scrape and the access log show exactly what was sent.
 */
@ExtendWith(LeakCheck.class)
class ObservabilityIT {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ListAppender<ILoggingEvent> accessLines = new ListAppender<>();
    private Logger accessLogger;
    private Level accessLevel;
    private TestBackend a;
    private TestBackend b;
    private ProxyServer proxy;
    private EventLoopGroup adminGroup;
    private AdminServer admin;
    private ProxyMetrics metrics;
    private int adminPort;

    @BeforeEach
    void setUp() throws Exception {
        accessLogger = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(AccessLog.LOGGER);
        accessLevel = accessLogger.getLevel();
        accessLogger.setLevel(Level.INFO); // logback-test.xml turns access lines off
        accessLines.start();
        accessLogger.addAppender(accessLines);
        a = new TestBackend("a");
        b = new TestBackend("b");

        // The wiring: metrics need the proxy's table, the proxy needs the listener; a reference closes the loop.
        AtomicReference<ProxyServer> ref = new AtomicReference<>();
        metrics = new ProxyMetrics(() -> {
            ProxyServer p = ref.get();
            return p == null ? null : p.tables().get();
        });
        TestProxy setup = new TestProxy().backends(a, b);
        setup.events = ExchangeListeners.of(metrics, new AccessLog());
        proxy = setup.start();
        ref.set(proxy);
        metrics.bindSessions(proxy.inFlight()::inFlight).bindPooledIdle(proxy.connector()::idleConnections);
        adminGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        admin = new AdminServer(AdminConfig.onPort(0), metrics, proxy.tables(), adminGroup);
        adminPort = admin.start().join().getPort();
    }

    @AfterEach
    void tearDown() {
        admin.stop().join();
        adminGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        proxy.stop(Duration.ZERO);
        a.close();
        b.close();
        accessLogger.detachAppender(accessLines);
        accessLogger.setLevel(accessLevel);
    }

    private HttpResponse<String> send(int port, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void scrapeAndAccessLogShowTheTrafficSent() throws Exception {
        for (int i = 0; i < 10; i++) {
            assertThat(send(proxy.port(), "/hello?i=" + i).statusCode()).isEqualTo(200);
        }

        // The listener hears about an exchange once its last byte is written, which may be after the client read it.
        await().atMost(Duration.ofSeconds(10)).until(() -> accessLines.list.size() == 10);
        PrometheusText s = new PrometheusText(send(adminPort, "/metrics").body());
        for (String server : List.of("a", "b")) {
            assertThat(s.value("tether_requests_total", "backend", "app", "server", server, "status_class", "2xx",
                    "method", "GET")).as(server).isEqualTo(5.0);
            assertThat(s.value("tether_response_seconds_count", "backend", "app", "server", server)).isEqualTo(5.0);
            assertThat(s.value("tether_request_duration_seconds_count", "backend", "app", "server", server))
                    .isEqualTo(5.0);
            assertThat(s.value("tether_server_state", "backend", "app", "server", server, "state", "UP"))
                    .isEqualTo(1.0);
            assertThat(s.value("tether_server_sessions", "backend", "app", "server", server)).isEqualTo(0.0);
        }
        assertThat(s.value("tether_client_connections_opened_total", "listener", "http")).isPositive();
        assertThat(s.value("tether_server_connections_opened_total", "backend", "app", "server", "a")).isPositive();

        List<AccessLogLine> lines = accessLines.list.stream()
                .map(e -> AccessLogLine.parse(e.getFormattedMessage()))
                .toList();
        assertThat(lines).extracting(AccessLogLine::uri)
                .containsExactlyInAnyOrder("/hello?i=0", "/hello?i=1", "/hello?i=2", "/hello?i=3", "/hello?i=4",
                        "/hello?i=5", "/hello?i=6", "/hello?i=7", "/hello?i=8", "/hello?i=9");
        assertThat(lines).allSatisfy(l -> {
            assertThat(l.listener()).isEqualTo("http");
            assertThat(l.backend()).isEqualTo("app");
            assertThat(l.status()).isEqualTo(200);
            assertThat(l.termination()).isEqualTo("--");
            assertThat(l.clientAddress()).isEqualTo("127.0.0.1");
        });
        assertThat(lines).extracting(AccessLogLine::server).containsOnly("a", "b");
    }

    @Test
    void accessLogAndMetricsTimeTheRequestHeadFromItsFirstByte() throws Exception {
        try (RawClient c = new RawClient(proxy.port())) {
            c.send("GET /slow HTTP/1.1\r\nHost: t\r\n");
            // A slow client: the rest of its head follows 400 ms after the first byte. The proxy may read that byte a
            // little after the write returned, so it measures a little less.
            Thread.sleep(400);
            c.send("X-Late: 1\r\n\r\n");
            c.readResponses(1);
            // Keep-alive, then two pipelined requests in one write: the second one's first byte is not seen apart.
            c.send("GET /fast HTTP/1.1\r\nHost: t\r\n\r\n");
            c.readResponses(1);
            c.send("GET /p1 HTTP/1.1\r\nHost: t\r\n\r\nGET /p2 HTTP/1.1\r\nHost: t\r\n\r\n");
            c.readResponses(2);
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> accessLines.list.size() == 4);
        Map<String, Long> tq = new HashMap<>();
        for (ILoggingEvent e : accessLines.list) {
            AccessLogLine l = AccessLogLine.parse(e.getFormattedMessage());
            tq.put(l.uri(), l.requestReadMillis());
        }
        assertThat(tq.get("/slow")).isBetween(300L, 10_000L);
        assertThat(tq.get("/fast")).isBetween(0L, 250L);
        assertThat(tq.get("/p1")).isBetween(0L, 250L);
        assertThat(tq.get("/p2")).isEqualTo(-1L);
        PrometheusText s = new PrometheusText(send(adminPort, "/metrics").body());
        assertThat(s.value("tether_request_read_seconds_count", "listener", "http")).isEqualTo(3.0);
        assertThat(s.value("tether_request_read_seconds_bucket", "listener", "http", "le", "0.25")).isEqualTo(2.0);
        assertThat(s.value("tether_request_read_seconds_sum", "listener", "http")).isGreaterThanOrEqualTo(0.3);
    }

    @Test
    void statsFollowAServerGoingDownAndUp() throws Exception {
        for (int i = 0; i < 4; i++) {
            send(proxy.port(), "/x");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> accessLines.list.size() == 4);

        proxy.tables().setServerState("app", "b", ServerState.DOWN);
        String down = send(adminPort, "/stats?format=json").body();
        PrometheusText downScrape = new PrometheusText(send(adminPort, "/metrics").body());
        proxy.tables().setServerState("app", "b", ServerState.UP);
        PrometheusText upScrape = new PrometheusText(send(adminPort, "/metrics").body());

        assertThat(down).contains("\"name\":\"b\",\"state\":\"DOWN\"").contains("\"requests\":2");
        assertThat(downScrape.value("tether_server_state", "backend", "app", "server", "b", "state", "DOWN"))
                .isEqualTo(1.0);
        assertThat(upScrape.value("tether_server_state", "backend", "app", "server", "b", "state", "DOWN"))
                .isEqualTo(0.0);
        assertThat(upScrape.value("tether_server_state", "backend", "app", "server", "b", "state", "UP"))
                .isEqualTo(1.0);
        RoutingTable table = proxy.tables().get();
        assertThat(metrics.stats().get(0).servers()).hasSize(table.servers("app").size());
    }
}
