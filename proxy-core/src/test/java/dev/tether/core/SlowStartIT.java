package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.core.config.ConfigLoader;
import dev.tether.core.testing.LeakCheck;
import dev.tether.core.testing.TestBackend;
import dev.tether.core.testing.TestProxy;
import dev.tether.health.AdminState;
import dev.tether.routing.model.ServerState;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A server back in service takes a growing share of new sessions over {@code slow-start}, its full share after. */
@ExtendWith(LeakCheck.class)
class SlowStartIT {

    private static final long RAMP_MILLIS = 4000;

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
            tether.stop();
        }
        a.close();
        b.close();
    }

    private void start(String checks, int bPort) throws InterruptedException {
        tether = Tether.start(ConfigLoader.parse("""
                tether {
                  admin.enabled = off
                  drain-timeout = 1s
                  listeners = [ { name = http, address = "127.0.0.1", port = 0 } ]
                  backends.app {
                    health-check { slow-start = %dms %s }
                    servers = [ { name = a, address = "127.0.0.1:%d" }, { name = b, address = "127.0.0.1:%d" } ]
                  }
                }
                """.formatted(RAMP_MILLIS, checks, a.port(), bPort), "slow-start.conf"));
    }

    /** One new session (no cookie on this backend): which server served it. */
    private String get() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(TestProxy.uri(tether.server(), "/x"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.headers().firstValue("X-Backend-Id").orElseThrow();
    }

    @Test
    void aServerLeavingMaintenanceRampsUpToItsFullShare() throws Exception {
        start("", b.port());
        for (int i = 0; i < 50; i++) {
            get(); // warm the client, the proxy and the connection pools: the measured part must not wait on them
        }
        tether.setAdminState("app", "b", AdminState.MAINT);
        long back = System.currentTimeMillis();
        tether.setAdminState("app", "b", AdminState.READY);
        assertThat(tether.metrics().stats().get(0).servers().get(1).slowStartPercent()).as("shown in the stats")
                .isBetween(0, 99);
        assertThat(tether.metrics().stats().get(0).servers().get(0).slowStartPercent()).isEqualTo(-1);

        // The first quarter of the ramp: every decision was made at most a quarter in, so b took at most a quarter
        // of its half share (plus the probe), where round robin alone would give it half.
        int early = 0;
        int toB = 0;
        for (int i = 0; i < 2000; i++) {
            String server = get();
            if (System.currentTimeMillis() - back >= RAMP_MILLIS / 4) {
                break;
            }
            early++;
            toB += server.equals("b") ? 1 : 0;
        }
        // Enough requests that round robin's half (early / 2) would break the bound: 16 gives 8 against at most 4.
        assertThat(early).as("requests in the first quarter of the ramp").isGreaterThanOrEqualTo(16);
        assertThat(toB).isBetween(1, early / 8 + 2);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> tether.server().tables().get().slowStart("app", "b") == null);
        int after = 0;
        for (int i = 0; i < 100; i++) {
            after += get().equals("b") ? 1 : 0;
        }
        assertThat(after).as("round robin's half after the ramp").isBetween(45, 55);
    }

    @Test
    void aServerBackFromDownRampsUp() throws Exception {
        int port = b.port();
        start(", enabled = on, interval = 100ms, fast-interval = 50ms, down-interval = 100ms, rise = 2, fall = 2",
                port);
        b.close();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> tether.server().tables().get().server("app", "b").state() == ServerState.DOWN);
        b = new TestBackend("b", port);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> tether.server().tables().get().server("app", "b").state() == ServerState.UP);
        var ramp = tether.server().tables().get().slowStart("app", "b");
        assertThat(ramp).isNotNull();
        // A weight change recompiles the table; the ramp goes on.
        assertThat(tether.setWeight("app", "a", 2)).isTrue();
        assertThat(tether.server().tables().get().slowStart("app", "b")).isSameAs(ramp);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> tether.server().tables().get().slowStart("app", "b") == null);
    }
}
