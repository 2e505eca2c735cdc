package dev.tether.core.admin;

import static dev.tether.core.log.Exchanges.exchange;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tether.core.metrics.MutableClock;
import dev.tether.core.metrics.PrometheusText;
import dev.tether.core.metrics.ProxyMetrics;
import dev.tether.core.testing.LeakCheck;
import dev.tether.core.metrics.Tables;
import dev.tether.routing.RoutingTable;
import dev.tether.routing.model.ServerState;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The admin listener over real loopback sockets: metrics, stats page in both forms, auth and CIDR refusal. */
@ExtendWith(LeakCheck.class)
class AdminServerIT {

    private static final long START = 1_700_000_000_000L;

    private static EventLoopGroup group;
    private static final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final AtomicReference<RoutingTable> table = new AtomicReference<>(Tables.apiAndWeb());
    private final MutableClock clock = new MutableClock(START);
    private ProxyMetrics metrics;
    private AdminServer server;
    private int port;

    @BeforeAll
    static void startGroup() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopGroup() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @BeforeEach
    void setUp() {
        metrics = new ProxyMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), table::get, clock);
    }

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.stop().join();
        }
    }

    private void start(AdminConfig config) {
        server = new AdminServer(config, metrics, table::get, group);
        InetSocketAddress bound = server.start().join();
        port = bound.getPort();
        assertThat(bound.getAddress().isLoopbackAddress()).isTrue();
    }

    private static AdminConfig open() {
        return AdminConfig.onPort(0);
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private void knownTraffic() {
        for (int i = 0; i < 3; i++) {
            metrics.exchangeFinished(exchange().to("api", "s1").method("GET").status(200).bytes(10, 1000)
                    .millis(3, 4).reason("STICKY_COOKIE").build());
        }
        metrics.exchangeFinished(exchange().to("api", "s1").method("GET").status(200).bytes(0, 50)
                .millis(300, 400).build());
        metrics.exchangeFinished(exchange().to("api", "s2").method("POST").status(503).bytes(20, 0)
                .millis(40, 40).build());
        metrics.exchangeFinished(exchange().to("web", "w1").method("GET").status(200).bytes(0, 7).build());
    }

    @Test
    void metricsShowExactCountsAfterKnownTraffic() throws Exception {
        start(open());
        knownTraffic();

        HttpResponse<String> r = get("/metrics");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue(ProxyMetrics.CONTENT_TYPE);
        PrometheusText s = new PrometheusText(r.body());
        assertThat(s.value("tether_requests_total", "backend", "api", "server", "s1", "status_class", "2xx",
                "method", "GET")).isEqualTo(4.0);
        assertThat(s.value("tether_requests_total", "backend", "api", "server", "s2", "status_class", "5xx",
                "method", "POST")).isEqualTo(1.0);
        assertThat(s.value("tether_response_seconds_bucket", "backend", "api", "server", "s1", "le", "0.005"))
                .isEqualTo(3.0);
        assertThat(s.value("tether_response_seconds_bucket", "backend", "api", "server", "s1", "le", "0.25"))
                .isEqualTo(3.0);
        assertThat(s.value("tether_response_seconds_bucket", "backend", "api", "server", "s1", "le", "0.5"))
                .isEqualTo(4.0);
        assertThat(s.value("tether_response_seconds_count", "backend", "api", "server", "s1")).isEqualTo(4.0);
        assertThat(s.value("tether_response_body_bytes_total", "backend", "api", "server", "s1")).isEqualTo(3050.0);
        assertThat(s.value("tether_server_state", "backend", "web", "server", "w1", "state", "UP")).isEqualTo(1.0);
    }

    @Test
    void serverStateGaugesFollowAServerGoingDownAndUp() throws Exception {
        start(open());

        table.updateAndGet(t -> t.withServerState("api", "s2", ServerState.DOWN));
        PrometheusText down = new PrometheusText(get("/metrics").body());
        table.updateAndGet(t -> t.withServerState("api", "s2", ServerState.UP));
        PrometheusText up = new PrometheusText(get("/metrics").body());

        assertThat(down.value("tether_server_state", "backend", "api", "server", "s2", "state", "DOWN"))
                .isEqualTo(1.0);
        assertThat(down.value("tether_server_state", "backend", "api", "server", "s2", "state", "UP"))
                .isEqualTo(0.0);
        assertThat(up.value("tether_server_state", "backend", "api", "server", "s2", "state", "DOWN"))
                .isEqualTo(0.0);
        assertThat(up.value("tether_server_state", "backend", "api", "server", "s2", "state", "UP"))
                .isEqualTo(1.0);
    }

    @Test
    void statsPageListsEveryServerWithItsCounts() throws Exception {
        start(open());
        knownTraffic();
        clock.advanceMillis(30_000);
        table.updateAndGet(t -> t.withServerState("api", "s2", ServerState.DRAIN));
        metrics.healthCheck("web/w1", true, 3_000_000, "status 200 in 3 ms");

        HttpResponse<String> r = get("/stats");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue(AdminResponse.HTML);
        assertThat(r.body()).doesNotContain("<script");
        Map<String, String> s1 = row(r.body(), "api/s1");
        assertThat(s1).containsEntry("state", "UP").containsEntry("requests", "4").containsEntry("5xx", "0")
                .containsEntry("bytes-in", "30").containsEntry("bytes-out", "3050").containsEntry("sticky", "3")
                .containsEntry("weight", "3").containsEntry("limit", "50").containsEntry("check", "none yet");
        Map<String, String> s2 = row(r.body(), "api/s2");
        assertThat(s2).containsEntry("state", "DRAIN").containsEntry("requests", "1").containsEntry("5xx", "1")
                .containsEntry("since", "2023-11-14 22:13:50 UTC (0s ago)");
        Map<String, String> w1 = row(r.body(), "web/w1");
        assertThat(w1).containsEntry("name", "w1 (backup)").containsEntry("requests", "1")
                .containsEntry("check", "pass in 3.0 ms: status 200 in 3 ms, at 2023-11-14 22:13:50 UTC");
    }

    @Test
    void statsJsonHasTheSameData() throws Exception {
        start(open());
        knownTraffic();

        HttpResponse<String> r = get("/stats?format=json");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue(AdminResponse.JSON);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> backends =
                (List<Map<String, Object>>) ((Map<String, Object>) JsonReader.parse(r.body())).get("backends");
        assertThat(backends).extracting(b -> b.get("name")).containsExactly("api", "web");
        Map<String, Map<String, Object>> servers = new java.util.HashMap<>();
        for (Map<String, Object> b : backends) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> list = (List<Map<String, Object>>) b.get("servers");
            for (Map<String, Object> s : list) {
                servers.put(b.get("name") + "/" + s.get("name"), s);
            }
        }
        assertThat(servers).containsOnlyKeys("api/s1", "api/s2", "web/w1");
        assertThat(servers.get("api/s1")).containsEntry("requests", 4.0).containsEntry("stickyRouted", 3.0)
                .containsEntry("bytesOut", 3050.0).containsEntry("state", "UP").containsEntry("lastCheck", null);
        assertThat(servers.get("api/s2")).containsEntry("requests", 1.0).containsEntry("responses5xx", 1.0)
                .containsEntry("bytesIn", 20.0);
        assertThat(servers.get("web/w1")).containsEntry("requests", 1.0).containsEntry("backup", true);
    }

    @Test
    void statsUriIsConfigurable() throws Exception {
        start(new AdminConfig("127.0.0.1", 0, "/haproxy", List.of(), null, null));

        assertThat(get("/haproxy").statusCode()).isEqualTo(200);
        assertThat(get("/stats").statusCode()).isEqualTo(404);
        assertThat(get("/metrics").statusCode()).isEqualTo(200);
    }

    @Test
    void unknownPathsAndWritesAreRefused() throws Exception {
        start(open());

        assertThat(get("/nope").statusCode()).isEqualTo(404);
        HttpResponse<String> post = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
        assertThat(get("/stats?format=xml").statusCode()).isEqualTo(400);
    }

    @Test
    void headAnswersWithoutABody() throws Exception {
        start(open());

        HttpResponse<String> r = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/stats"))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        assertThat(r.headers().firstValueAsLong("content-length").orElseThrow()).isPositive();
        // The connection stays usable after a HEAD.
        assertThat(get("/stats").statusCode()).isEqualTo(200);
    }

    @Test
    void basicAuthIsRequiredWhenConfigured() throws Exception {
        start(new AdminConfig("127.0.0.1", 0, "/stats", List.of(), "ops", "s3cret:x"));

        HttpResponse<String> none = get("/metrics");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> v.startsWith("Basic "));
        assertThat(none.body()).doesNotContain("tether_");
        assertThat(get("/stats", "Authorization", basic("ops", "wrong")).statusCode()).isEqualTo(401);
        assertThat(get("/stats", "Authorization", basic("op", "s3cret:x")).statusCode()).isEqualTo(401);
        assertThat(get("/stats", "Authorization", "Bearer abc").statusCode()).isEqualTo(401);

        HttpResponse<String> ok = get("/metrics", "Authorization", basic("ops", "s3cret:x"));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("tether_server_state");
        assertThat(get("/stats", "Authorization", basic("ops", "s3cret:x")).statusCode()).isEqualTo(200);
    }

    @Test
    void peersOutsideTheAllowedCidrsGet403AndNothingElse() throws Exception {
        start(new AdminConfig("127.0.0.1", 0, "/stats", List.of("10.0.0.0/8", "::2/128"), "ops", "pw"));
        knownTraffic();

        for (String path : List.of("/metrics", "/stats", "/stats?format=json", "/nope")) {
            HttpResponse<String> r = get(path, "Authorization", basic("ops", "pw"));
            assertThat(r.statusCode()).as(path).isEqualTo(403);
            assertThat(r.body()).as(path).isEqualTo("403 Forbidden\n");
            assertThat(r.headers().firstValue("www-authenticate")).as(path).isEmpty();
        }
    }

    @Test
    void peersInsideTheAllowedCidrsAreServed() throws Exception {
        start(new AdminConfig("127.0.0.1", 0, "/stats", List.of("10.0.0.0/8", "127.0.0.0/8"), null, null));

        assertThat(get("/metrics").statusCode()).isEqualTo(200);
    }

    @Test
    void endpointsCanBeAdded() throws Exception {
        start(open());
        server.endpoint("/ops/table", request -> AdminResponse.text(200,
                request.method() + " " + server.table().get().servers("api").size() + " " + request.param("x")));

        HttpResponse<String> r = get("/ops/table?x=y%20z");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("GET 2 y z\n");
    }

    @Test
    void aFailingEndpointAnswers500AndTheServerKeepsServing() throws Exception {
        start(open());
        server.endpoint("/boom", request -> {
            throw new IllegalStateException("boom");
        });

        assertThat(get("/boom").statusCode()).isEqualTo(500);
        assertThat(get("/metrics").statusCode()).isEqualTo(200);
    }

    @Test
    void stopClosesTheListener() throws Exception {
        start(open());
        assertThat(get("/metrics").statusCode()).isEqualTo(200);

        server.stop().join();
        server = null;

        // NIO closes a listening socket's descriptor at the event loop's next select, just after the close future.
        int stopped = port;
        await().atMost(Duration.ofSeconds(5)).until(() -> refused(stopped));
    }

    @Test
    void badConfigurationIsRefusedWithEveryProblem() {
        assertThatThrownBy(() -> new AdminConfig("", 70000, "stats", List.of("10.0.0.0/40"), "ops", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("admin.address")
                .hasMessageContaining("admin.port = 70000")
                .hasMessageContaining("admin.stats-uri = stats")
                .hasMessageContaining("10.0.0.0/40")
                .hasMessageContaining("admin.user and admin.password");
    }

    /**
     * Whether nothing listens on {@code port}. Linux may connect a socket to itself when the source port it picks
     * is the closed listener's port; that is not a listener either.
     */
    private static boolean refused(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return socket.getLocalPort() == port;
        } catch (IOException e) {
            return true;
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** The cells of the stats table row {@code id}, by CSS class. */
    private static Map<String, String> row(String html, String id) {
        int start = html.indexOf("<tr id=\"" + id + "\"");
        assertThat(start).as("row " + id).isNotNegative();
        String row = html.substring(start, html.indexOf("</tr>", start));
        Map<String, String> cells = new java.util.HashMap<>();
        Matcher m = Pattern.compile("<td class=\"([^\"]+)\">([^<]*)</td>").matcher(row);
        while (m.find()) {
            cells.put(m.group(1), m.group(2));
        }
        return cells;
    }
}
