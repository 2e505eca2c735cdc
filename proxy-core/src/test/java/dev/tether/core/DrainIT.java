package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.core.config.ConfigLoader;
import dev.tether.core.metrics.ServerStats;
import dev.tether.core.testing.LeakCheck;
import dev.tether.core.testing.TestBackend;
import dev.tether.core.testing.TestProxy;
import dev.tether.health.AdminState;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gradual drain through the real proxy: a draining server keeps the sticky client that keeps coming, moves the one
 * idle for longer than drain-idle-timeout to another server with a new cookie, and its pinned-session count, in the
 * stats and the metrics, goes down as sessions leave.
 */
@ExtendWith(LeakCheck.class)
class DrainIT {

    private TestBackend a;
    private TestBackend b;
    private Tether tether;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void setUp() throws Exception {
        a = new TestBackend("a");
        b = new TestBackend("b");
        // balance = first: every new session starts on a.
        tether = Tether.start(ConfigLoader.parse("""
                tether {
                  admin.enabled = off
                  drain-timeout = 1s
                  listeners = [ { name = http, address = "127.0.0.1", port = 0 } ]
                  backends.app {
                    balance = first
                    drain-idle-timeout = 3s
                    cookie { name = SRV }
                    servers = [ { name = a, address = "127.0.0.1:%d" }, { name = b, address = "127.0.0.1:%d" } ]
                  }
                }
                """.formatted(a.port(), b.port()), "drain.conf"));
    }

    @AfterEach
    void tearDown() {
        if (tether != null) {
            tether.stop();
        }
        a.close();
        b.close();
    }

    /** A client that keeps the cookie Tether last set. */
    private final class Session {
        String cookie;
        String lastSetCookie;

        String get() throws Exception {
            HttpRequest.Builder r = HttpRequest.newBuilder(TestProxy.uri(tether.server(), "/page"))
                    .timeout(Duration.ofSeconds(10));
            if (cookie != null) {
                r.header("Cookie", cookie);
            }
            HttpResponse<String> response = client.send(r.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            lastSetCookie = response.headers().firstValue("set-cookie").map(v -> v.split(";")[0]).orElse(null);
            if (lastSetCookie != null) {
                cookie = lastSetCookie;
            }
            return response.headers().firstValue("X-Backend-Id").orElseThrow();
        }
    }

    private int pinnedInStats(String server) {
        return tether.metrics().stats().get(0).servers().stream().filter(s -> s.server().equals(server))
                .mapToInt(ServerStats::pinnedSessions).findFirst().orElseThrow();
    }

    private double pinnedGauge(String server) {
        return tether.metrics().registry().get("tether.server.sessions.pinned").tag("server", server).gauge().value();
    }

    @Test
    void drainKeepsTheActiveSessionMovesTheIdleOneAndCountsWhatIsLeft() throws Exception {
        Session active = new Session();
        Session idle = new Session();
        for (Session s : new Session[] {active, idle}) {
            // Sessions are told apart by first-seen second and client address, and both clients are 127.0.0.1.
            long second = System.currentTimeMillis() / 1000;
            await().atMost(Duration.ofSeconds(2)).until(() -> System.currentTimeMillis() / 1000 != second);
            assertThat(s.get()).isEqualTo("a"); // new session
            assertThat(s.get()).isEqualTo("a"); // sticky: now counted
        }
        assertThat(pinnedInStats("a")).isEqualTo(2);
        assertThat(pinnedGauge("a")).isEqualTo(2.0);
        assertThat(pinnedInStats("b")).isZero();

        tether.setAdminState("app", "a", AdminState.DRAIN);
        String idleCookie = idle.cookie;
        long drained = System.nanoTime();
        // The active client comes back every 200 ms for 5 s, longer than drain-idle-timeout: it stays on a (a stall of
        // under 3 s between two of its requests cannot make it look idle).
        await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    assertThat(active.get()).isEqualTo("a");
                    return System.nanoTime() - drained > Duration.ofMillis(5000).toNanos();
                });
        // The idle client, last seen 5 s ago, moves to b with a new cookie.
        assertThat(idle.get()).isEqualTo("b");
        assertThat(idle.lastSetCookie).isNotNull().isNotEqualTo(idleCookie);
        assertThat(idle.get()).isEqualTo("b");
        assertThat(active.get()).isEqualTo("a");

        assertThat(pinnedInStats("a")).as("only the active session is still pinned to a").isEqualTo(1);
        assertThat(pinnedGauge("a")).isEqualTo(1.0);
        assertThat(pinnedInStats("b")).isEqualTo(1);
        // Once the active client stops too, nothing holds a any more.
        await().atMost(Duration.ofSeconds(10)).until(() -> pinnedInStats("a") == 0);
        assertThat(pinnedGauge("a")).isZero();
    }
}
