package dev.tether.core.metrics;

import static dev.tether.core.log.Exchanges.exchange;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.core.log.TerminationState;
import dev.tether.health.ProbeFailure;
import dev.tether.health.ProbeResult;
import dev.tether.health.Prober;
import dev.tether.routing.RoutingTable;
import dev.tether.routing.model.ServerState;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class ProxyMetricsTest {

    private static final long START = 1_700_000_000_000L;

    private final AtomicReference<RoutingTable> table = new AtomicReference<>(Tables.apiAndWeb());
    private final MutableClock clock = new MutableClock(START);
    private ProxyMetrics metrics;

    @BeforeEach
    void setUp() {
        metrics = new ProxyMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), table::get, clock);
    }

    private PrometheusText scrape() {
        return new PrometheusText(metrics.scrape());
    }

    @Test
    void countsRequestsByBackendServerStatusClassAndMethod() {
        for (int i = 0; i < 3; i++) {
            metrics.exchangeFinished(exchange().to("api", "s1").method("GET").status(200).build());
        }
        metrics.exchangeFinished(exchange().to("api", "s1").method("GET").status(204).build());
        metrics.exchangeFinished(exchange().to("api", "s2").method("POST").status(503).build());
        metrics.exchangeFinished(exchange().to("api", "s2").method("BREW").status(418).build());
        metrics.exchangeFinished(exchange().to(null, null).method("GET").status(404)
                .termination(TerminationState.PROXY_LOCAL).build());
        metrics.exchangeFinished(exchange().to("web", "w1").method("GET").status(-1)
                .termination(TerminationState.CLIENT_ABORT_DATA).build());

        PrometheusText s = scrape();
        assertThat(s.value("tether_requests_total", "backend", "api", "server", "s1", "status_class", "2xx",
                "method", "GET")).isEqualTo(4.0);
        assertThat(s.value("tether_requests_total", "backend", "api", "server", "s2", "status_class", "5xx",
                "method", "POST")).isEqualTo(1.0);
        assertThat(s.value("tether_requests_total", "backend", "api", "server", "s2", "status_class", "4xx",
                "method", "OTHER")).isEqualTo(1.0);
        assertThat(s.value("tether_requests_total", "backend", "-", "server", "-", "status_class", "4xx",
                "method", "GET")).isEqualTo(1.0);
        assertThat(s.value("tether_requests_total", "backend", "web", "server", "w1", "status_class", "none",
                "method", "GET")).isEqualTo(1.0);
        assertThat(s.value("tether_requests_total", "backend", "api", "server", "s1", "status_class", "5xx",
                "method", "GET")).isNull();
    }

    @Test
    void latencyHistogramsCountEachExchangeInItsBuckets() {
        metrics.exchangeFinished(exchange().millis(3, 4).build());
        metrics.exchangeFinished(exchange().millis(30, 40).build());
        metrics.exchangeFinished(exchange().millis(700, 2000).build());
        // A request answered before any response head: no response time, only a total.
        metrics.exchangeFinished(exchange().timers(0, -1, -1, 9_000_000).status(-1).build());

        PrometheusText s = scrape();
        String[] s1 = {"backend", "api", "server", "s1"};
        assertThat(s.value("tether_response_seconds_bucket", with(s1, "le", "0.002"))).isEqualTo(0.0);
        assertThat(s.value("tether_response_seconds_bucket", with(s1, "le", "0.005"))).isEqualTo(1.0);
        assertThat(s.value("tether_response_seconds_bucket", with(s1, "le", "0.05"))).isEqualTo(2.0);
        assertThat(s.value("tether_response_seconds_bucket", with(s1, "le", "0.5"))).isEqualTo(2.0);
        assertThat(s.value("tether_response_seconds_bucket", with(s1, "le", "1.0"))).isEqualTo(3.0);
        assertThat(s.value("tether_response_seconds_bucket", with(s1, "le", "+Inf"))).isEqualTo(3.0);
        assertThat(s.value("tether_response_seconds_count", s1)).isEqualTo(3.0);
        assertThat(s.value("tether_response_seconds_sum", s1)).isEqualTo(0.733);

        assertThat(s.value("tether_request_duration_seconds_bucket", with(s1, "le", "0.005"))).isEqualTo(1.0);
        assertThat(s.value("tether_request_duration_seconds_bucket", with(s1, "le", "0.01"))).isEqualTo(2.0);
        assertThat(s.value("tether_request_duration_seconds_bucket", with(s1, "le", "1.0"))).isEqualTo(3.0);
        assertThat(s.value("tether_request_duration_seconds_bucket", with(s1, "le", "2.5"))).isEqualTo(4.0);
        assertThat(s.value("tether_request_duration_seconds_count", s1)).isEqualTo(4.0);
    }

    @Test
    void requestReadTimeIsAHistogramPerListenerOfTheHeadsThatWereTimed() {
        metrics.exchangeFinished(exchange().listener("main").requestRead(200_000).build());
        metrics.exchangeFinished(exchange().listener("main").requestRead(3_000_000).build());
        metrics.exchangeFinished(exchange().listener("main").requestRead(4_000_000_000L).build());
        metrics.exchangeFinished(exchange().listener("main").requestRead(-1).build()); // pipelined: not timed
        metrics.exchangeFinished(exchange().listener("admin").requestRead(0).build());

        PrometheusText s = scrape();
        String[] main = {"listener", "main"};
        assertThat(s.value("tether_request_read_seconds_bucket", with(main, "le", "0.001"))).isEqualTo(1.0);
        assertThat(s.value("tether_request_read_seconds_bucket", with(main, "le", "0.005"))).isEqualTo(2.0);
        assertThat(s.value("tether_request_read_seconds_bucket", with(main, "le", "2.5"))).isEqualTo(2.0);
        assertThat(s.value("tether_request_read_seconds_bucket", with(main, "le", "5.0"))).isEqualTo(3.0);
        assertThat(s.value("tether_request_read_seconds_count", main)).isEqualTo(3.0);
        assertThat(s.value("tether_request_read_seconds_sum", main)).isEqualTo(4.0032);
        assertThat(s.value("tether_request_read_seconds_count", "listener", "admin")).isEqualTo(1.0);
        assertThat(s.value("tether_requests_total", "backend", "api", "server", "s1", "status_class", "2xx",
                "method", "GET")).isEqualTo(5.0);
    }

    @Test
    void aTunnelCountsItsTimeToTheUpgradeButNotItsLifetime() {
        metrics.exchangeFinished(exchange().status(101).tunnel(true).timers(0, 0, 2_000_000, 3_600_000_000_000L)
                .build());

        PrometheusText s = scrape();
        assertThat(s.value("tether_response_seconds_count", "backend", "api", "server", "s1")).isEqualTo(1.0);
        assertThat(s.value("tether_request_duration_seconds_count", "backend", "api", "server", "s1"))
                .isEqualTo(0.0);
        assertThat(s.value("tether_requests_total", "backend", "api", "server", "s1", "status_class", "1xx",
                "method", "GET")).isEqualTo(1.0);
    }

    @Test
    void countsBodyBytesAndStickyRouting() {
        metrics.exchangeFinished(exchange().bytes(100, 2000).reason("STICKY_COOKIE").cookie("VALID", false).build());
        metrics.exchangeFinished(exchange().bytes(0, 500).reason("BALANCED").cookie("NONE", true).build());

        PrometheusText s = scrape();
        assertThat(s.value("tether_request_body_bytes_total", "backend", "api", "server", "s1")).isEqualTo(100.0);
        assertThat(s.value("tether_response_body_bytes_total", "backend", "api", "server", "s1")).isEqualTo(2500.0);
        assertThat(s.value("tether_sticky_routed_total", "backend", "api", "server", "s1")).isEqualTo(1.0);
    }

    @ParameterizedTest
    @CsvSource({
        "NORMAL,",
        "PROXY_LOCAL,",
        "TUNNEL_TIMEOUT,",
        "CLIENT_ABORT_REQUEST, client_abort",
        "CLIENT_ABORT_DATA, client_abort",
        "CLIENT_TIMEOUT_REQUEST, client_timeout",
        "PROXY_REJECT_REQUEST, bad_request",
        "SERVER_QUEUE_TIMEOUT, queue_timeout",
        "SERVER_CONNECT, connect_failure",
        "SERVER_TIMEOUT_HEADERS, server_timeout",
        "SERVER_ABORT_HEADERS, server_abort",
        "SERVER_ABORT_DATA, server_abort",
        "PROXY_SHUTDOWN, shutdown"
    })
    void countsErrorsByCause(TerminationState termination, String cause) {
        metrics.exchangeFinished(exchange().termination(termination).build());
        metrics.exchangeFinished(exchange().termination(termination).build());

        PrometheusText s = scrape();
        if (cause == null) {
            assertThat(s.has("tether_errors_total{")).isFalse();
        } else {
            assertThat(s.value("tether_errors_total", "backend", "api", "server", "s1", "cause", cause))
                    .isEqualTo(2.0);
        }
    }

    @ParameterizedTest
    @EnumSource(TerminationState.class)
    void everyTerminationStateHasADecidedCause(TerminationState termination) {
        assertThat(ProxyMetrics.errorCause(termination)).isNotEqualTo("other");
    }

    @Test
    void serverStateGaugesFollowTheTable() {
        PrometheusText s = scrape();
        assertThat(stateOf(s, "api", "s1")).isEqualTo(Map.of("UP", 1.0, "DRAIN", 0.0, "DOWN", 0.0, "MAINT", 0.0));
        assertThat(stateOf(s, "web", "w1")).containsEntry("UP", 1.0);

        clock.advanceMillis(5_000);
        table.updateAndGet(t -> t.withServerState("api", "s1", ServerState.DOWN));
        s = scrape();
        assertThat(stateOf(s, "api", "s1")).isEqualTo(Map.of("UP", 0.0, "DRAIN", 0.0, "DOWN", 1.0, "MAINT", 0.0));
        assertThat(stateOf(s, "api", "s2")).containsEntry("UP", 1.0);
        assertThat(serverStats("api", "s1").stateSinceMillis()).isEqualTo(START + 5_000);
        assertThat(serverStats("api", "s2").stateSinceMillis()).isEqualTo(START);

        clock.advanceMillis(7_000);
        table.updateAndGet(t -> t.withServerState("api", "s1", ServerState.UP));
        s = scrape();
        assertThat(stateOf(s, "api", "s1")).isEqualTo(Map.of("UP", 1.0, "DRAIN", 0.0, "DOWN", 0.0, "MAINT", 0.0));
        assertThat(serverStats("api", "s1").state()).isEqualTo(ServerState.UP);
        assertThat(serverStats("api", "s1").stateSinceMillis()).isEqualTo(START + 12_000);
    }

    @Test
    void aStateChangeSeenByAnExchangeKeepsItsTimeUntilTheNextScrape() {
        metrics.exchangeFinished(exchange().build()); // first sight of the table: every state "since start"
        clock.advanceMillis(1_000);
        table.updateAndGet(t -> t.withServerState("api", "s2", ServerState.DRAIN));
        metrics.exchangeFinished(exchange().build());
        clock.advanceMillis(60_000);

        assertThat(serverStats("api", "s2").state()).isEqualTo(ServerState.DRAIN);
        assertThat(serverStats("api", "s2").stateSinceMillis()).isEqualTo(START + 1_000);
    }

    @Test
    void aReloadRemovesTheStateGaugesOfRemovedServers() {
        table.set(Tables.apiOnly());

        PrometheusText s = scrape();
        assertThat(stateOf(s, "api", "s1")).containsEntry("UP", 1.0);
        assertThat(s.has("tether_server_state{backend=\"api\",server=\"s2\"")).isFalse();
        assertThat(s.has("tether_server_state{backend=\"web\"")).isFalse();
        assertThat(metrics.stats()).extracting(BackendStats::name).containsExactly("api");
    }

    @Test
    void connectionTunnelAndQueueGaugesRiseAndFall() {
        metrics.clientConnectionOpened("main");
        metrics.clientConnectionOpened("main");
        metrics.clientConnectionOpened("admin");
        metrics.clientConnectionClosed("main");
        metrics.serverConnectionOpened("api/s1");
        metrics.serverConnectionOpened("api/s1");
        metrics.serverConnectionOpened("api/s2");
        metrics.serverConnectionClosed("api/s2");
        metrics.tunnelOpened("web");
        metrics.tunnelOpened("web");
        metrics.tunnelClosed("web", 300, 4000);
        metrics.queued("api");
        metrics.queued("api");
        metrics.queued("api");
        metrics.dequeued("api", 20_000_000);
        int[] idle = {7};
        metrics.bindPooledIdle(() -> idle[0]);

        PrometheusText s = scrape();
        assertThat(s.value("tether_client_connections", "listener", "main")).isEqualTo(1.0);
        assertThat(s.value("tether_client_connections", "listener", "admin")).isEqualTo(1.0);
        assertThat(s.value("tether_client_connections_opened_total", "listener", "main")).isEqualTo(2.0);
        assertThat(s.value("tether_server_connections", "backend", "api", "server", "s1")).isEqualTo(2.0);
        assertThat(s.value("tether_server_connections", "backend", "api", "server", "s2")).isEqualTo(0.0);
        assertThat(s.value("tether_server_connections_opened_total", "backend", "api", "server", "s2"))
                .isEqualTo(1.0);
        assertThat(s.value("tether_server_connections_idle")).isEqualTo(7.0);
        assertThat(s.value("tether_tunnels", "backend", "web")).isEqualTo(1.0);
        assertThat(s.value("tether_tunnels_opened_total", "backend", "web")).isEqualTo(2.0);
        assertThat(s.value("tether_tunnel_bytes_total", "backend", "web", "direction", "from_client"))
                .isEqualTo(300.0);
        assertThat(s.value("tether_tunnel_bytes_total", "backend", "web", "direction", "from_server"))
                .isEqualTo(4000.0);
        assertThat(s.value("tether_queue_length", "backend", "api")).isEqualTo(2.0);
        assertThat(s.value("tether_queue_wait_seconds_count", "backend", "api")).isEqualTo(1.0);
        assertThat(s.value("tether_queue_wait_seconds_bucket", "backend", "api", "le", "0.01")).isEqualTo(0.0);
        assertThat(s.value("tether_queue_wait_seconds_bucket", "backend", "api", "le", "0.025")).isEqualTo(1.0);
        assertThat(metrics.stats().get(0).queueLength()).isEqualTo(2);
        assertThat(metrics.stats().get(1).openTunnels()).isEqualTo(1);
    }

    @Test
    void countsRetriesRedispatchesHealthChecksAndTlsHandshakes() {
        metrics.retried("api/s1", "CONNECT_REFUSED", false);
        metrics.retried("api/s1", "CONNECT_REFUSED", true);
        metrics.retried("api/s2", "RESPONSE_TIMEOUT", true);
        metrics.healthCheck("api/s1", true);
        metrics.healthCheck("api/s1", true);
        metrics.healthCheck("api/s1", false);
        metrics.tlsHandshake("main", true);
        metrics.tlsHandshake("main", false);
        metrics.tlsHandshake("main", false);

        PrometheusText s = scrape();
        assertThat(s.value("tether_retries_total", "backend", "api", "server", "s1", "failure", "CONNECT_REFUSED"))
                .isEqualTo(2.0);
        assertThat(s.value("tether_retries_total", "backend", "api", "server", "s2", "failure", "RESPONSE_TIMEOUT"))
                .isEqualTo(1.0);
        assertThat(s.value("tether_redispatches_total", "backend", "api", "server", "s1")).isEqualTo(1.0);
        assertThat(s.value("tether_redispatches_total", "backend", "api", "server", "s2")).isEqualTo(1.0);
        assertThat(s.value("tether_health_checks_total", "backend", "api", "server", "s1", "result", "pass"))
                .isEqualTo(2.0);
        assertThat(s.value("tether_health_checks_total", "backend", "api", "server", "s1", "result", "fail"))
                .isEqualTo(1.0);
        assertThat(s.value("tether_tls_handshakes_total", "listener", "main", "result", "success")).isEqualTo(1.0);
        assertThat(s.value("tether_tls_handshakes_total", "listener", "main", "result", "failure")).isEqualTo(2.0);
    }

    @Test
    void aCountingProberRecordsEveryResult() {
        Map<String, ProbeResult> answers = Map.of(
                "api/s1", ProbeResult.pass(200, Duration.ofMillis(3)),
                "api/s2", ProbeResult.fail(ProbeFailure.BAD_STATUS, 503, Duration.ofMillis(40)));
        Prober prober = metrics.countProbes(server -> CompletableFuture.completedFuture(answers.get(server.id())));
        Prober broken = metrics.countProbes(server -> CompletableFuture.failedFuture(new IllegalStateException("x")));
        RoutingTable t = table.get();

        prober.probe(t.server("api", "s1"));
        prober.probe(t.server("api", "s1"));
        prober.probe(t.server("api", "s2"));
        broken.probe(t.server("web", "w1"));

        PrometheusText s = scrape();
        assertThat(s.value("tether_health_checks_total", "backend", "api", "server", "s1", "result", "pass"))
                .isEqualTo(2.0);
        assertThat(s.value("tether_health_checks_total", "backend", "api", "server", "s2", "result", "fail"))
                .isEqualTo(1.0);
        assertThat(s.value("tether_health_checks_total", "backend", "web", "server", "w1", "result", "fail"))
                .isEqualTo(1.0);
        ServerStats s2 = serverStats("api", "s2");
        assertThat(s2.lastCheckPassed()).isFalse();
        assertThat(s2.lastCheckLatencyNanos()).isEqualTo(40_000_000L);
        assertThat(s2.lastCheckDetail()).isEqualTo("status 503");
        assertThat(serverStats("api", "s1").lastCheckDetail()).isEqualTo("status 200 in 3 ms");
    }

    @Test
    void sessionReadersAreLookedUpOncePerServerAndAgainAfterANewBinding() {
        Map<String, AtomicInteger> counters = new ConcurrentHashMap<>();
        List<String> lookups = new ArrayList<>();
        metrics.bindSessionReaders(id -> {
            lookups.add(id);
            return counters.computeIfAbsent(id, k -> new AtomicInteger())::get;
        });
        for (int i = 1; i <= 3; i++) {
            counters.computeIfAbsent("api/s1", k -> new AtomicInteger()).set(i * 2);
            metrics.exchangeFinished(exchange().to("api", "s1").status(200).build());
        }
        assertThat(lookups).containsExactly("api/s1");
        assertThat(serverStats("api", "s1").maxSessions()).isEqualTo(6);

        metrics.bindSessionReaders(id -> () -> 9);
        metrics.exchangeFinished(exchange().to("api", "s1").status(200).build());
        assertThat(serverStats("api", "s1").maxSessions()).isEqualTo(9);
        assertThat(scrape().value("tether_server_sessions", "backend", "api", "server", "s1")).isEqualTo(9.0);
    }

    @Test
    void theDefaultRegistryReadsACoarseWallClockThatKeepsMoving() {
        long before = System.currentTimeMillis();
        ProxyMetrics defaults = new ProxyMetrics(table::get);
        long first = defaults.registry().config().clock().wallTime();

        assertThat(defaults.registry().config().clock()).isSameAs(CoarseClock.INSTANCE);
        assertThat(first).isBetween(before - 1_000, System.currentTimeMillis());
        await().atMost(Duration.ofSeconds(5)).until(() -> CoarseClock.INSTANCE.wallTime() > first);
        defaults.exchangeFinished(exchange().millis(3, 4).build());
        assertThat(new PrometheusText(defaults.scrape()).value("tether_response_seconds_count", "backend", "api",
                "server", "s1")).isEqualTo(1.0);
    }

    @Test
    void statsListEveryConfiguredServerWithItsFigures() {
        int[] inFlight = {0};
        metrics.bindSessions(serverId -> serverId.equals("api/s1") ? inFlight[0] : 0);
        inFlight[0] = 4;
        metrics.exchangeFinished(exchange().to("api", "s1").status(200).bytes(10, 1000)
                .reason("STICKY_COOKIE").build());
        inFlight[0] = 2;
        metrics.exchangeFinished(exchange().to("api", "s1").status(502).bytes(5, 100).build());
        metrics.exchangeFinished(exchange().to("api", "s1").status(500).build());
        metrics.exchangeFinished(exchange().to("web", "w1").status(200).bytes(0, 7).build());
        inFlight[0] = 1;
        clock.advanceMillis(250);
        metrics.healthCheck("api/s2", false, 2_000_000_000L, "connection refused");

        List<BackendStats> stats = metrics.stats();
        assertThat(stats).extracting(BackendStats::name).containsExactly("api", "web");
        assertThat(stats.get(0).servers()).extracting(ServerStats::server).containsExactly("s1", "s2");
        ServerStats s1 = stats.get(0).servers().get(0);
        assertThat(s1.requests()).isEqualTo(3);
        assertThat(s1.responses5xx()).isEqualTo(2);
        assertThat(s1.bytesIn()).isEqualTo(15);
        assertThat(s1.bytesOut()).isEqualTo(1100);
        assertThat(s1.stickyRouted()).isEqualTo(1);
        assertThat(s1.currentSessions()).isEqualTo(1);
        assertThat(s1.maxSessions()).isEqualTo(4);
        assertThat(s1.weight()).isEqualTo(3);
        assertThat(s1.maxConn()).isEqualTo(50);
        assertThat(s1.lastCheckPassed()).isNull();
        ServerStats s2 = stats.get(0).servers().get(1);
        assertThat(s2.requests()).isZero();
        assertThat(s2.lastCheckPassed()).isFalse();
        assertThat(s2.lastCheckMillis()).isEqualTo(START + 250);
        assertThat(s2.lastCheckLatencyNanos()).isEqualTo(2_000_000_000L);
        assertThat(s2.lastCheckDetail()).isEqualTo("connection refused");
        ServerStats w1 = stats.get(1).servers().get(0);
        assertThat(w1.requests()).isEqualTo(1);
        assertThat(w1.bytesOut()).isEqualTo(7);
        assertThat(w1.backup()).isTrue();
    }

    @Test
    void aTableThatIsNotThereYetIsReadLater() {
        AtomicReference<RoutingTable> later = new AtomicReference<>();
        ProxyMetrics early = new ProxyMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), later::get, clock);
        early.exchangeFinished(exchange().build());
        assertThat(early.stats()).isEmpty();
        assertThat(new PrometheusText(early.scrape()).has("tether_server_state")).isFalse();

        later.set(Tables.apiAndWeb());

        assertThat(early.stats()).extracting(BackendStats::name).containsExactly("api", "web");
        assertThat(early.stats().get(0).servers().get(0).requests()).isEqualTo(1);
        assertThat(new PrometheusText(early.scrape())
                .value("tether_server_state", "backend", "web", "server", "w1", "state", "UP")).isEqualTo(1.0);
    }

    @ParameterizedTest
    @CsvSource({"-1, 0", "0, 0", "99, 0", "100, 1", "101, 1", "200, 2", "302, 3", "404, 4", "599, 5", "600, 0"})
    void statusClasses(int status, int expectedClass) {
        assertThat(ProxyMetrics.statusClass(status)).isEqualTo(expectedClass);
    }

    @ParameterizedTest
    @CsvSource({"GET, GET", "HEAD, HEAD", "POST, POST", "PUT, PUT", "DELETE, DELETE", "PATCH, PATCH",
        "OPTIONS, OPTIONS", "CONNECT, CONNECT", "TRACE, TRACE", "get, OTHER", "PROPFIND, OTHER"})
    void methodsOutsideTheStandardSetAreOther(String method, String label) {
        assertThat(ProxyMetrics.METHODS[ProxyMetrics.methodIndex(method)]).isEqualTo(label);
    }

    private ServerStats serverStats(String backend, String server) {
        return metrics.stats().stream()
                .filter(b -> b.name().equals(backend))
                .flatMap(b -> b.servers().stream())
                .filter(s -> s.server().equals(server))
                .findFirst()
                .orElseThrow();
    }

    private static Map<String, Double> stateOf(PrometheusText s, String backend, String server) {
        Map<String, Double> result = new java.util.HashMap<>();
        for (ServerState state : ServerState.values()) {
            Double v = s.value("tether_server_state", "backend", backend, "server", server, "state", state.name());
            if (v != null) {
                result.put(state.name(), v);
            }
        }
        return result;
    }

    private static String[] with(String[] labels, String name, String value) {
        String[] result = java.util.Arrays.copyOf(labels, labels.length + 2);
        result[labels.length] = name;
        result[labels.length + 1] = value;
        return result;
    }
}
