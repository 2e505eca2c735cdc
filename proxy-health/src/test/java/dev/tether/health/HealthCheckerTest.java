package dev.tether.health;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tether.health.PassiveHealthConfig.OnError;
import dev.tether.routing.config.ServerConfig;
import dev.tether.routing.model.Server;
import dev.tether.routing.model.ServerState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

class HealthCheckerTest {

    private static final Duration INTERVAL = Duration.ofSeconds(2);
    private static final Duration FAST = Duration.ofSeconds(1);
    private static final Duration DOWN = Duration.ofSeconds(5);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final FakeTicker ticker = new FakeTicker();
    private final ManualScheduler scheduler = new ManualScheduler(ticker);
    private final ScriptedProber prober = new ScriptedProber(ticker);
    private final List<ServerStateChange> changes = new CopyOnWriteArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger checkerLog = (Logger) LoggerFactory.getLogger(HealthChecker.class);
    private HealthChecker checker;

    @BeforeEach
    void captureLogs() {
        logs.start();
        checkerLog.addAppender(logs);
    }

    @AfterEach
    void stop() {
        checkerLog.detachAppender(logs);
        if (checker != null) {
            checker.stop();
        }
    }

    private static HealthCheckConfig config(int rise, int fall) {
        return new HealthCheckConfig(true, "HEAD", "/status", null, List.of(new HealthCheckConfig.StatusRange(200, 299)),
                INTERVAL, FAST, DOWN, TIMEOUT, rise, fall);
    }

    private static List<Server> servers(int n, ServerState state) {
        List<Server> list = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            list.add(new Server("api", ServerConfig.of("s" + i, "127.0.0.1", 8000 + i), state));
        }
        return list;
    }

    private void start(List<Server> servers, HealthCheckConfig config, PassiveHealthConfig passive) {
        checker = HealthChecker.start(servers, config, passive, prober, changes::add, scheduler, ticker, new Random(7));
    }

    private void start(List<Server> servers, HealthCheckConfig config) {
        start(servers, config, PassiveHealthConfig.defaults());
    }

    private static long secondsOf(long nanos) {
        return Duration.ofNanos(nanos).toSeconds();
    }

    private List<String> warnings() {
        List<String> out = new ArrayList<>();
        for (ILoggingEvent e : logs.list) {
            if (e.getLevel() == Level.WARN) {
                out.add(e.getFormattedMessage());
            }
        }
        return out;
    }

    @Test
    void spreadsTheFirstProbesOfAHundredServersOverOneInterval() {
        start(servers(100, ServerState.UP), config(2, 3));

        scheduler.advance(INTERVAL.minusNanos(1));

        Set<Long> millis = new HashSet<>();
        for (int i = 1; i <= 100; i++) {
            List<Long> times = prober.probeTimes("api/s" + i);
            assertThat(times).as("probes of s%d", i).hasSize(1);
            assertThat(times.get(0)).isBetween(0L, INTERVAL.toNanos());
            millis.add(Duration.ofNanos(times.get(0)).toMillis());
        }
        assertThat(millis).as("distinct milliseconds of the first probes").hasSize(100);
    }

    @Test
    void aStableServerIsProbedEveryInterval() {
        start(servers(1, ServerState.UP), config(2, 3));

        scheduler.advance(Duration.ofSeconds(10));

        List<Long> times = prober.probeTimes("api/s1");
        assertThat(times).hasSize(5);
        for (int i = 1; i < times.size(); i++) {
            assertThat(times.get(i) - times.get(i - 1)).isEqualTo(INTERVAL.toNanos());
        }
        assertThat(changes).isEmpty();
        assertThat(checker.lastResult("api/s1")).isEqualTo(ScriptedProber.PASS);
    }

    @Test
    void aRefusingServerGoesDownAfterFallChecksAtTheFastIntervalThenIsProbedAtTheDownInterval() {
        start(servers(3, ServerState.UP), config(2, 3));
        prober.answer("api/s3", ScriptedProber.REFUSED);

        scheduler.advance(INTERVAL); // first probe of every server
        long first = prober.probeTimes("api/s3").get(0);
        scheduler.advance(FAST.multipliedBy(2));

        assertThat(changes).hasSize(1);
        ServerStateChange change = changes.get(0);
        assertThat(change.server().id()).isEqualTo("api/s3");
        assertThat(change.from()).isEqualTo(ServerState.UP);
        assertThat(change.to()).isEqualTo(ServerState.DOWN);
        assertThat(change.cause()).isEqualTo("3 failed checks (connection refused)");
        assertThat(warnings()).containsExactly("server api/s3 DOWN: 3 failed checks (connection refused); 2/3 up");
        assertThat(checker.status("api/s3").state()).isEqualTo(ServerState.DOWN);

        scheduler.advance(DOWN.multipliedBy(2));
        List<Long> times = prober.probeTimes("api/s3");
        assertThat(times).extracting(t -> secondsOf(t - first)).containsExactly(0L, 1L, 2L, 7L, 12L);
        assertThat(changes).hasSize(1);
    }

    @Test
    void aDownServerComesBackAfterRisePassesAndIsReportedOnce() {
        start(servers(2, ServerState.UP), config(2, 3));
        prober.answer("api/s1", ScriptedProber.STATUS_500);
        scheduler.advance(INTERVAL.plus(FAST.multipliedBy(2)));
        assertThat(changes).extracting(ServerStateChange::to).containsExactly(ServerState.DOWN);

        prober.answer("api/s1", ScriptedProber.PASS);
        scheduler.advance(DOWN.plus(FAST));

        assertThat(changes).extracting(ServerStateChange::to).containsExactly(ServerState.DOWN, ServerState.UP);
        assertThat(changes.get(1).cause()).isEqualTo("2 passed checks (status 200 in 3 ms)");
        assertThat(warnings()).containsExactly(
                "server api/s1 DOWN: 3 failed checks (status 500); 1/2 up",
                "server api/s1 UP: 2 passed checks (status 200 in 3 ms); 2/2 up");
    }

    @Test
    void aServerGivenAsDownStartsFullyDown() {
        start(servers(1, ServerState.DOWN), config(2, 3));
        scheduler.advance(INTERVAL.plus(FAST));

        assertThat(prober.probes("api/s1")).isEqualTo(2);
        assertThat(changes).singleElement().satisfies(c -> {
            assertThat(c.from()).isEqualTo(ServerState.DOWN);
            assertThat(c.to()).isEqualTo(ServerState.UP);
        });
    }

    @Test
    void onePassBetweenFailuresKeepsTheServerUpAndReportsNothing() {
        start(servers(1, ServerState.UP), config(2, 3));
        prober.answer("api/s1", ScriptedProber.REFUSED);
        scheduler.advance(INTERVAL.plus(FAST)); // two failures
        prober.answer("api/s1", ScriptedProber.PASS);
        scheduler.advance(FAST);
        prober.answer("api/s1", ScriptedProber.REFUSED);
        scheduler.advance(INTERVAL.plus(FAST)); // two failures again

        assertThat(changes).isEmpty();
        assertThat(checker.status("api/s1").health()).isEqualTo(2);
        assertThat(warnings()).isEmpty();
    }

    @Test
    void theNextProbeIsTimedFromTheStartOfASlowOne() {
        start(servers(1, ServerState.UP), config(2, 3));
        prober.hang("api/s1");
        scheduler.advance(INTERVAL);
        long start = prober.probeTimes("api/s1").get(0);

        scheduler.advance(Duration.ofMillis(300));
        prober.answer("api/s1", ScriptedProber.PASS);
        prober.hanging("api/s1").get(0).complete(ProbeResult.pass(200, Duration.ofMillis(300)));
        assertThat(checker.lastResult("api/s1").duration()).isEqualTo(Duration.ofMillis(300));
        scheduler.advance(INTERVAL);

        assertThat(prober.probeTimes("api/s1")).element(1).isEqualTo(start + INTERVAL.toNanos());
    }

    @Test
    void aProberThatNeverAnswersCountsAsAResponseTimeoutAndItsLateAnswerIsIgnored() {
        start(servers(1, ServerState.UP), config(2, 1));
        prober.hang("api/s1");
        scheduler.advance(INTERVAL);
        scheduler.advance(TIMEOUT.multipliedBy(2));

        assertThat(checker.lastResult("api/s1").failure()).isEqualTo(ProbeFailure.RESPONSE_TIMEOUT);
        assertThat(changes).singleElement().extracting(ServerStateChange::cause)
                .isEqualTo("1 failed check (response timeout after 4000 ms: the prober did not answer)");

        prober.hanging("api/s1").get(0).complete(ScriptedProber.PASS);
        assertThat(checker.lastResult("api/s1").failure()).isEqualTo(ProbeFailure.RESPONSE_TIMEOUT);
        assertThat(changes).hasSize(1);
    }

    @Test
    void aProberThatThrowsOrFailsCountsAsAFailedCheck() {
        start(servers(2, ServerState.UP), config(2, 1));
        prober.fail("api/s1", new IllegalStateException("boom"));
        scheduler.advance(INTERVAL);

        assertThat(checker.lastResult("api/s1").failure()).isEqualTo(ProbeFailure.OTHER);
        assertThat(checker.lastResult("api/s1").detail()).contains("boom");
        assertThat(changes).singleElement().extracting(c -> c.server().id()).isEqualTo("api/s1");
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheChecks() {
        checker = HealthChecker.start(servers(1, ServerState.UP), config(1, 1), PassiveHealthConfig.defaults(),
                prober, c -> {
                    throw new IllegalStateException("listener bug");
                }, scheduler, ticker, new Random(1));
        prober.answer("api/s1", ScriptedProber.REFUSED);
        scheduler.advance(INTERVAL);
        prober.answer("api/s1", ScriptedProber.PASS);
        scheduler.advance(DOWN);

        assertThat(checker.status("api/s1").state()).isEqualTo(ServerState.UP);
        assertThat(prober.probes("api/s1")).isEqualTo(2);
    }

    @Test
    void stopCancelsEveryProbeAndIgnoresAnswersInFlight() {
        start(servers(3, ServerState.UP), config(1, 1));
        prober.hang("api/s1");
        scheduler.advance(INTERVAL);
        int probes = prober.probes("api/s2");

        checker.stop();
        prober.hanging("api/s1").get(0).complete(ScriptedProber.REFUSED);
        scheduler.advance(Duration.ofMinutes(1));

        assertThat(prober.probes("api/s2")).isEqualTo(probes);
        assertThat(scheduler.pending()).isZero();
        assertThat(changes).isEmpty();
    }

    @Test
    void disabledChecksProbeNothing() {
        start(servers(3, ServerState.UP), HealthCheckConfig.disabled());
        for (int i = 0; i < 20; i++) {
            checker.observe("api/s1", TrafficOutcome.CONNECT_FAILURE);
        }
        scheduler.advance(Duration.ofMinutes(1));

        assertThat(prober.probes("api/s1")).isZero();
        assertThat(scheduler.pending()).isZero();
        assertThat(changes).isEmpty();
        assertThat(checker.status("api/s1").state()).isEqualTo(ServerState.UP);
        assertThat(checker.lastResult("api/s1")).isNull();
        assertThat(checker.status("api/unknown")).isNull();
    }

    @ParameterizedTest(name = "{0} x {1} with on-error {2}, count5xx {3}: down = {4}")
    @CsvSource({
        "CONNECT_FAILURE, 10, FAIL_CHECK, false, false",  // one failed check of fall 2
        "CONNECT_FAILURE, 20, FAIL_CHECK, false, true",   // two failed checks
        "CONNECT_FAILURE, 9,  MARK_DOWN,  false, false",
        "CONNECT_FAILURE, 10, MARK_DOWN,  false, true",
        "STATUS_5XX,      50, MARK_DOWN,  false, false",  // 5xx are not counted by default
        "STATUS_5XX,      10, MARK_DOWN,  true,  true",
    })
    void liveTrafficErrorsCountAgainstAServer(TrafficOutcome outcome, int count, OnError onError, boolean count5xx,
            boolean down) {
        start(servers(2, ServerState.UP), config(2, 2), new PassiveHealthConfig(true, 10, count5xx, onError));
        for (int i = 0; i < count; i++) {
            checker.observe("api/s1", outcome);
        }
        assertThat(checker.status("api/s1").state()).isEqualTo(down ? ServerState.DOWN : ServerState.UP);
        if (down) {
            String what = outcome == TrafficOutcome.STATUS_5XX ? "5xx responses" : "connect failures";
            assertThat(changes).singleElement().extracting(ServerStateChange::cause)
                    .isEqualTo("10 consecutive " + what + " on live traffic");
            assertThat(warnings()).containsExactly(
                    "server api/s1 DOWN: 10 consecutive " + what + " on live traffic; 1/2 up");
        } else {
            assertThat(changes).isEmpty();
        }
    }

    @Test
    void aServerTakenDownByLiveTrafficComesBackThroughChecks() {
        start(servers(1, ServerState.UP), config(2, 3),
                new PassiveHealthConfig(true, 3, false, OnError.MARK_DOWN));
        for (int i = 0; i < 3; i++) {
            checker.observe("api/s1", TrafficOutcome.CONNECT_FAILURE);
        }
        scheduler.advance(INTERVAL.plus(FAST));

        assertThat(changes).extracting(ServerStateChange::to).containsExactly(ServerState.DOWN, ServerState.UP);
    }

    @Test
    void countsUpServersPerBackend() {
        List<Server> servers = new ArrayList<>(servers(2, ServerState.UP));
        servers.add(new Server("web", ServerConfig.of("w1", "127.0.0.1", 9001), ServerState.UP));
        start(servers, config(1, 1));
        prober.answer("web/w1", ScriptedProber.REFUSED);
        scheduler.advance(INTERVAL);

        assertThat(warnings()).containsExactly("server web/w1 DOWN: 1 failed check (connection refused); 0/1 up");
        assertThat(checker.statuses()).extracting(h -> h.server().id()).containsExactly("api/s1", "api/s2", "web/w1");
    }
}
