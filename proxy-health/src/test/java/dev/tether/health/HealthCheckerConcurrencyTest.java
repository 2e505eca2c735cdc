package dev.tether.health;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.tether.health.PassiveHealthConfig.OnError;
import dev.tether.routing.config.ServerConfig;
import dev.tether.routing.model.Server;
import dev.tether.routing.model.ServerState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Probes completing on one pool while live traffic reports errors from other threads: the listener must see
 * each server's changes in order (every change starts where the previous one ended) and end where the checker
 * is. Bounded in count; no sleeps.
 */
class HealthCheckerConcurrencyTest {

    @Test
    void theListenerSeesEachServersChangesInOrder() throws Exception {
        // Thousands of changes: keep their WARN lines out of the build output.
        Logger log = (Logger) LoggerFactory.getLogger(HealthChecker.class);
        Level level = log.getLevel();
        log.setLevel(Level.ERROR);
        try {
            run();
        } finally {
            log.setLevel(level);
        }
    }

    private void run() throws Exception {
        List<Server> servers = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            servers.add(new Server("api", ServerConfig.of("s" + i, "127.0.0.1", 8000 + i), ServerState.UP));
        }
        HealthCheckConfig config = new HealthCheckConfig(true, "HEAD", "/status", null,
                List.of(new HealthCheckConfig.StatusRange(200, 200)), Duration.ofMillis(1), Duration.ofMillis(1),
                Duration.ofMillis(1), Duration.ofSeconds(5), 1, 1);
        ScheduledThreadPoolExecutor schedulerPool = new ScheduledThreadPoolExecutor(2);
        ScheduledThreadPoolExecutor proberPool = new ScheduledThreadPoolExecutor(2);
        Prober prober = server -> CompletableFuture.supplyAsync(
                () -> ThreadLocalRandom.current().nextBoolean() ? ScriptedProber.PASS : ScriptedProber.REFUSED,
                proberPool);
        Map<String, List<ServerStateChange>> changes = new ConcurrentHashMap<>();
        HealthChecker checker = HealthChecker.start(servers, config,
                new PassiveHealthConfig(true, 1, false, OnError.MARK_DOWN), prober,
                c -> changes.computeIfAbsent(c.server().id(), k -> new CopyOnWriteArrayList<>()).add(c),
                Scheduler.of(schedulerPool), Ticker.systemTicker(), new SplittableRandom(3));
        try {
            List<Thread> traffic = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                Thread thread = new Thread(() -> {
                    for (int i = 0; i < 20_000; i++) {
                        checker.observe("api/s" + (1 + i % 3),
                                i % 2 == 0 ? TrafficOutcome.CONNECT_FAILURE : TrafficOutcome.OK);
                    }
                });
                traffic.add(thread);
                thread.start();
            }
            for (Thread thread : traffic) {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            }
        } finally {
            checker.stop();
            schedulerPool.shutdownNow();
            proberPool.shutdownNow();
            assertThat(schedulerPool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
            assertThat(proberPool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(changes).isNotEmpty();
        for (Map.Entry<String, List<ServerStateChange>> e : changes.entrySet()) {
            List<ServerStateChange> list = e.getValue();
            ServerState at = ServerState.UP;
            for (ServerStateChange c : list) {
                assertThat(c.from()).as("%s change %s", e.getKey(), c).isEqualTo(at);
                assertThat(c.to()).isNotEqualTo(c.from());
                at = c.to();
            }
            assertThat(checker.status(e.getKey()).state()).as("final state of %s", e.getKey()).isEqualTo(at);
        }
    }
}
