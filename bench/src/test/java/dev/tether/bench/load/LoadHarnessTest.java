package dev.tether.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * About one second of real load per test, straight at {@link BackendFarm} (no proxy). The farm inserts the sticky
 * cookie itself, and {@link BackendFarm#restamp} plays a proxy that sends sessions to the wrong server.
 */
class LoadHarnessTest {

    private static final int RATE = 400;
    private static final int SESSIONS = 20;

    private BackendFarm farm;

    @BeforeEach
    void startFarm() {
        farm = BackendFarm.start(2, BackendFarm.Options.defaults().withInsertCookie("SRV"));
    }

    @AfterEach
    void stopFarm() {
        farm.close();
    }

    private LoadHarness.Options options() {
        return options(Duration.ofSeconds(1));
    }

    private LoadHarness.Options options(Duration duration) {
        return LoadHarness.Options.of(URI.create("http://127.0.0.1:" + farm.port(0) + "/small"), RATE, SESSIONS,
                        duration)
                .withCookie("SRV");
    }

    /** Waits until a quarter of the first second's load was served, then plays the wrong server. */
    private void restampDuringTheRun() {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                .until(() -> farm.requests(0) >= RATE / 4);
        farm.restamp(0, "s2");
    }

    @Test
    void countsEveryRequestOfferedAtTheFixedRate() throws Exception {
        LoadReport report = LoadHarness.run(options());

        assertThat(report.offered()).isBetween((long) RATE - 1, (long) RATE);
        assertThat(report.completed()).isEqualTo(report.offered());
        assertThat(report.errors()).as(report.summary()).isZero();
        assertThat(report.violations()).isZero();
        assertThat(report.perBackend()).containsOnlyKeys("s1").containsEntry("s1", report.completed());
        assertThat(farm.requests(0)).isEqualTo(report.completed());
        assertThat(farm.requests(1)).isZero();
        assertThat(report.p50Micros()).isPositive().isLessThanOrEqualTo(report.p99Micros());
        assertThat(report.p99Micros()).isLessThanOrEqualTo(report.p999Micros());
        assertThat(report.p999Micros()).isLessThanOrEqualTo(report.maxMicros());
        assertThat(report.durationNanos()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(990));
        // every session's first request has no cookie yet; all later ones carry it
        assertThat(report.stickyRequests()).isEqualTo(report.completed() - SESSIONS);
        assertThat(report.benchLine()).startsWith("BENCH requests=" + report.completed() + " ")
                .contains(" violations=0 sticky=" + report.stickyRequests() + " ");
    }

    @Test
    void aSessionMovedToAnotherServerWhileItsServerIsUpIsAViolation() throws Exception {
        // Two seconds, so the restamp lands mid-run even on a slow machine.
        CompletableFuture<LoadReport> run = runInBackground(options(Duration.ofSeconds(2)));
        restampDuringTheRun();
        LoadReport report = run.get(15, TimeUnit.SECONDS);

        // Every session that already held its cookie sees s1 then s2 exactly once.
        assertThat(report.violations()).isBetween(1L, (long) SESSIONS);
        assertThat(report.perBackend()).containsKeys("s1", "s2");
        assertThat(report.errors()).as(report.summary()).isZero();
    }

    @Test
    void aMoveAwayFromADownServerIsNoViolation() throws Exception {
        CompletableFuture<LoadReport> run =
                runInBackground(options(Duration.ofSeconds(2)).withServerUp(id -> !id.equals("s1")));
        restampDuringTheRun();
        LoadReport report = run.get(15, TimeUnit.SECONDS);

        assertThat(report.perBackend()).containsKeys("s1", "s2");
        assertThat(report.violations()).isZero();
    }

    @Test
    void websocketModeCountsEchoRoundTrips() throws Exception {
        LoadReport report = LoadHarness.run(LoadHarness.Options.of(
                URI.create("ws://127.0.0.1:" + farm.port(1) + "/ws"), RATE, SESSIONS, Duration.ofSeconds(1)));

        assertThat(report.offered()).isBetween((long) RATE - 1, (long) RATE);
        assertThat(report.completed()).isEqualTo(report.offered());
        assertThat(report.errors()).as(report.summary()).isZero();
        assertThat(report.perBackend()).containsOnlyKeys("s2");
        assertThat(farm.requests(1)).isEqualTo(report.completed());
    }

    @Test
    void refusedConnectionsAreErrorsNotSilence() throws Exception {
        farm.stop(0);

        LoadReport report = LoadHarness.run(options());

        assertThat(report.completed()).isZero();
        assertThat(report.connectErrors()).isPositive();
        assertThat(report.connectErrors() + report.unfinished()).isEqualTo(report.offered());
    }

    private static CompletableFuture<LoadReport> runInBackground(LoadHarness.Options options) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return LoadHarness.run(options);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }
}
