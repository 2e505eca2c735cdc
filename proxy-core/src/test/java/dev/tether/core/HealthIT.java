package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.core.testing.LeakCheck;
import dev.tether.core.testing.TestBackend;
import dev.tether.core.testing.TestProxy;
import dev.tether.health.HealthCheckConfig;
import dev.tether.routing.config.ServerConfig;
import dev.tether.routing.config.StickyCookieConfig;
import dev.tether.routing.model.ServerState;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Active health checks drive server state, and routing follows it: failover, stickiness moves, backups, drain. */
@ExtendWith(LeakCheck.class)
class HealthIT {

    private static final Duration INTERVAL = Duration.ofMillis(100);

    private TestBackend a;
    private TestBackend b;
    private Tether tether;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void setUp() throws Exception {
        a = new TestBackend("a");
        b = new TestBackend("b");
    }

    @AfterEach
    void tearDown() {
        if (tether != null) {
            tether.healthCheckers().forEach(c -> c.stop());
            tether.server().stop(Duration.ZERO);
        }
        a.close();
        b.close();
    }

    private TestProxy proxy() {
        TestProxy p = new TestProxy();
        HealthCheckConfig d = HealthCheckConfig.defaults();
        p.health = new HealthCheckConfig(true, "HEAD", "/status", null, d.expect(), INTERVAL, INTERVAL, INTERVAL,
                Duration.ofSeconds(1), 2, 2);
        return p;
    }

    private ServerState state(String server) {
        return tether.server().tables().get().server("app", server).state();
    }

    private HttpResponse<String> get(String path, String cookie) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(TestProxy.uri(tether.server(), path));
        if (cookie != null) {
            r.header("Cookie", cookie);
        }
        return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String cookieOf(HttpResponse<?> r) {
        return r.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
    }

    @Test
    void killedServerGoesDownStickyClientsMoveAndItComesBack() throws Exception {
        TestProxy p = proxy().backends(a, b);
        p.cookie = StickyCookieConfig.insert("SRV");
        tether = p.startTether();
        HttpResponse<String> first = get("/", null);
        String stickyTo = first.headers().firstValue("X-Backend-Id").orElseThrow();
        String cookie = cookieOf(first);
        for (int i = 0; i < 100; i++) {
            assertThat(get("/again", cookie).headers().firstValue("X-Backend-Id")).hasValue(stickyTo);
        }
        TestBackend victim = stickyTo.equals("a") ? a : b;
        String survivor = stickyTo.equals("a") ? "b" : "a";
        int port = victim.port();
        victim.close();

        // fall (2) failed checks at 100 ms intervals: DOWN well within a second.
        await().atMost(Duration.ofSeconds(5)).until(() -> state(stickyTo) == ServerState.DOWN);
        HttpResponse<String> moved = get("/moved", cookie);
        assertThat(moved.statusCode()).isEqualTo(200);
        assertThat(moved.headers().firstValue("X-Backend-Id")).hasValue(survivor);
        String newCookie = cookieOf(moved);
        assertThat(newCookie).isNotEqualTo(cookie);
        assertThat(get("/again", newCookie).headers().firstValue("X-Backend-Id")).hasValue(survivor);

        TestBackend restarted = new TestBackend(stickyTo, port);
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> state(stickyTo) == ServerState.UP);
            // The old cookie is good again: its server is back.
            assertThat(get("/back", cookie).headers().firstValue("X-Backend-Id")).hasValue(stickyTo);
        } finally {
            restarted.close();
        }
    }

    @Test
    void requestInFlightToAKilledServerGets502NotAHang() throws Exception {
        tether = proxy().backends(a).startTether();
        CompletableFuture<HttpResponse<String>> slow = client.sendAsync(
                HttpRequest.newBuilder(TestProxy.uri(tether.server(), "/delay?ms=5000")).build(),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(2)).until(() -> a.count("/delay") == 1);
        long t0 = System.nanoTime();
        a.close();
        assertThat(slow.get(20, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(502);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void backupServerTakesOverOnlyWhenEveryPrimaryIsDown() throws Exception {
        TestProxy p = proxy().backends(a);
        p.servers.add(new ServerConfig("b", "127.0.0.1", b.port(), 1, true, 0));
        tether = p.startTether();
        for (int i = 0; i < 10; i++) {
            assertThat(get("/p", null).headers().firstValue("X-Backend-Id")).hasValue("a");
        }
        assertThat(b.count("/p")).isZero();
        a.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> state("a") == ServerState.DOWN);
        for (int i = 0; i < 10; i++) {
            assertThat(get("/p", null).headers().firstValue("X-Backend-Id")).hasValue("b");
        }
    }

    @Test
    void drainKeepsStickySessionsButTakesNoNewOnes() throws Exception {
        TestProxy p = proxy().backends(a, b);
        p.cookie = StickyCookieConfig.insert("SRV");
        tether = p.startTether();
        String cookieA = null;
        while (cookieA == null) {
            HttpResponse<String> r = get("/", null);
            if (r.headers().firstValue("X-Backend-Id").orElseThrow().equals("a")) {
                cookieA = cookieOf(r);
            }
        }
        tether.server().tables().setServerState("app", "a", ServerState.DRAIN);
        for (int i = 0; i < 10; i++) {
            assertThat(get("/sticky", cookieA).headers().firstValue("X-Backend-Id")).hasValue("a");
            assertThat(get("/new", null).headers().firstValue("X-Backend-Id")).hasValue("b");
        }
        assertThat(a.count("/new")).isZero();
        assertThat(List.of(state("a"), state("b"))).containsExactly(ServerState.DRAIN, ServerState.UP);
    }
}
