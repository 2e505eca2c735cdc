package dev.tether.health;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.tether.routing.model.Server;
import dev.tether.routing.model.ServerState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes a set of servers on a schedule and reports when one goes down or comes back up.
 *
 * <p>Each server has one probe in flight at most. After a probe completes its result goes into the server's
 * {@link RiseFall}, and the next probe is scheduled from the start of the one that finished, so a slow probe
 * does not stretch the period:
 *
 * <pre>
 *   fully up   ──▶ next probe after interval
 *   part-way   ──▶ next probe after fast-interval   (a change is pending: confirm it quickly)
 *   fully down ──▶ next probe after down-interval
 * </pre>
 *
 * <p>The first probes are spread over one interval: server {@code i} of {@code n} starts at
 * {@code i * interval / n} plus a random part of one slot, so a hundred servers are not probed in the same
 * millisecond. A prober that overruns twice its timeout without answering is counted as a response timeout.
 *
 * <p>Every change is logged once at WARN, with the reason and how many servers of the backend are up, and is
 * passed to the {@link HealthListener}. Initial health follows each server's state when started: {@code DOWN}
 * starts fully down, every other state fully up.
 *
 * <p>Thread-safety: probe results may complete on any thread; each server's state is guarded by its own
 * monitor, which is held while the listener is called (so it sees one server's changes in order) but never
 * while calling the prober. Queries ({@link #lastResult}, {@link #status}) take no lock; they and
 * {@link #observe} may come from any thread.
 */
public final class HealthChecker {

    private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);

    private final HealthCheckConfig config;
    private final Prober prober;
    private final HealthListener listener;
    private final Scheduler scheduler;
    private final Ticker ticker;
    private final Map<String, ServerCheck> checks;
    private volatile boolean stopped;

    private HealthChecker(
            List<Server> servers,
            HealthCheckConfig config,
            PassiveHealthConfig passive,
            Prober prober,
            HealthListener listener,
            Scheduler scheduler,
            Ticker ticker) {
        this.config = config;
        this.prober = prober;
        this.listener = listener;
        this.scheduler = scheduler;
        this.ticker = ticker;
        Map<String, ServerCheck> byId = new LinkedHashMap<>();
        for (Server s : servers) {
            if (byId.put(s.id(), new ServerCheck(s, passive)) != null) {
                throw new IllegalArgumentException("server " + s.id() + " is listed twice");
            }
        }
        this.checks = Collections.unmodifiableMap(byId);
    }

    /**
     * Starts checking {@code servers} on {@code scheduler} with the system clock and passive health at its
     * defaults (connect failures only). With checks disabled in {@code config} nothing is ever probed.
     */
    public static HealthChecker start(
            List<Server> servers, HealthCheckConfig config, Prober prober, HealthListener listener, Scheduler scheduler) {
        return start(servers, config, PassiveHealthConfig.defaults(), prober, listener, scheduler,
                Ticker.systemTicker(), new SplittableRandom());
    }

    /** As the short form, with every collaborator given; tests pass a fake ticker and a seeded random. */
    public static HealthChecker start(
            List<Server> servers,
            HealthCheckConfig config,
            PassiveHealthConfig passive,
            Prober prober,
            HealthListener listener,
            Scheduler scheduler,
            Ticker ticker,
            RandomGenerator random) {
        HealthChecker checker = new HealthChecker(servers, config, passive, prober, listener, scheduler, ticker);
        if (config.enabled() && !servers.isEmpty()) {
            long slot = Math.max(1, config.interval().toNanos() / servers.size());
            int i = 0;
            for (ServerCheck check : checker.checks.values()) {
                check.scheduleProbe(slot * i + random.nextLong(slot));
                i++;
            }
        }
        return checker;
    }

    /** The last probe result of a server ({@code backend/name}), or {@code null} before its first probe. */
    public ProbeResult lastResult(String serverId) {
        ServerCheck check = checks.get(serverId);
        return check == null ? null : check.lastResult;
    }

    /** What the checker knows of a server ({@code backend/name}), or {@code null} for one it does not check. */
    public ServerHealth status(String serverId) {
        ServerCheck check = checks.get(serverId);
        return check == null ? null : check.snapshot();
    }

    /** Every server's status, in the order given to {@link #start}. */
    public List<ServerHealth> statuses() {
        List<ServerHealth> all = new ArrayList<>(checks.size());
        for (ServerCheck check : checks.values()) {
            all.add(check.snapshot());
        }
        return all;
    }

    /**
     * Counts an exchange that live traffic finished with a server ({@code backend/name}); see
     * {@link PassiveHealth}. Unknown servers and a stopped or disabled checker ignore it.
     */
    public void observe(String serverId, TrafficOutcome outcome) {
        ServerCheck check = checks.get(serverId);
        if (check != null && config.enabled() && !stopped && check.passive.record(outcome)) {
            check.trafficErrorLimit(outcome);
        }
    }

    /** Cancels every scheduled probe; results still in flight are ignored. */
    public void stop() {
        stopped = true;
        for (ServerCheck check : checks.values()) {
            check.cancel();
        }
    }

    private int upCount(String backend) {
        int up = 0;
        for (ServerCheck c : checks.values()) {
            if (c.server.backend().equals(backend) && c.up) {
                up++;
            }
        }
        return up;
    }

    private int serverCount(String backend) {
        int n = 0;
        for (ServerCheck c : checks.values()) {
            if (c.server.backend().equals(backend)) {
                n++;
            }
        }
        return n;
    }

    private void report(Server server, boolean nowUp, String cause) {
        ServerState from = nowUp ? ServerState.DOWN : ServerState.UP;
        ServerState to = nowUp ? ServerState.UP : ServerState.DOWN;
        log.warn("server {} {}: {}; {}/{} up", server.id(), to, cause, upCount(server.backend()),
                serverCount(server.backend()));
        try {
            listener.onChange(new ServerStateChange(server, from, to, cause));
        } catch (RuntimeException e) {
            log.error("health listener failed on the change of server {} to {}", server.id(), to, e);
        }
    }

    private static String causeOf(RiseFall riseFall, ProbeResult result) {
        int n = Math.abs(riseFall.streak());
        return n + (result.passed() ? " passed check" : " failed check") + (n == 1 ? "" : "s")
                + " (" + result.describe() + ")";
    }

    /** One server's schedule and counter. Fields marked guarded are only touched holding this object's monitor. */
    private final class ServerCheck {
        final Server server;
        final PassiveHealth passive;
        final RiseFall riseFall; // guarded
        volatile ProbeResult lastResult;
        volatile boolean up; // copies of the counter's state, for readers that take no lock
        volatile int health;
        Scheduler.Cancellable next; // guarded
        Scheduler.Cancellable watchdog; // guarded
        long probeSeq; // guarded
        boolean probing; // guarded
        long probeStart; // guarded

        ServerCheck(Server server, PassiveHealthConfig passiveConfig) {
            this.server = server;
            this.passive = new PassiveHealth(passiveConfig);
            this.riseFall = server.state() == ServerState.DOWN
                    ? RiseFall.down(config.rise(), config.fall())
                    : RiseFall.up(config.rise(), config.fall());
            this.up = riseFall.isUp();
            this.health = riseFall.health();
        }

        synchronized void scheduleProbe(long delayNanos) {
            if (stopped) {
                return;
            }
            next = schedule(this::runProbe, delayNanos);
        }

        void runProbe() {
            long seq;
            synchronized (this) {
                if (stopped || probing) {
                    return;
                }
                seq = ++probeSeq;
                probing = true;
                probeStart = ticker.read();
                long limit = 2 * config.timeout().toNanos();
                watchdog = schedule(() -> complete(seq, ProbeResult.fail(ProbeFailure.RESPONSE_TIMEOUT,
                        Duration.ofNanos(limit), "the prober did not answer")), limit);
            }
            CompletionStage<ProbeResult> stage;
            try {
                stage = prober.probe(server);
            } catch (RuntimeException e) {
                stage = CompletableFuture.failedFuture(e);
            }
            stage.whenComplete((result, error) -> complete(seq, result != null ? result
                    : ProbeResult.fail(ProbeFailure.OTHER, elapsedSince(seq), String.valueOf(error))));
        }

        private synchronized Duration elapsedSince(long seq) {
            return seq == probeSeq ? Duration.ofNanos(Math.max(0, ticker.read() - probeStart)) : Duration.ZERO;
        }

        void complete(long seq, ProbeResult result) {
            synchronized (this) {
                if (stopped || !probing || seq != probeSeq) {
                    return; // a late answer after the watchdog, or after stop()
                }
                probing = false;
                if (watchdog != null) {
                    watchdog.cancel();
                    watchdog = null;
                }
                lastResult = result;
                boolean changed = riseFall.record(result) == HealthTransition.CHANGED;
                health = riseFall.health();
                up = riseFall.isUp();
                if (!changed && !result.passed()) {
                    log.debug("server {} failed a check ({}); health {}", server.id(), result.describe(), riseFall);
                }
                long elapsed = ticker.read() - probeStart;
                next = schedule(this::runProbe, Math.max(0, nextInterval().toNanos() - elapsed));
                if (changed) {
                    // Under the lock, so the listener sees this server's changes in the order they happened.
                    report(server, up, causeOf(riseFall, result));
                }
            }
        }

        void trafficErrorLimit(TrafficOutcome outcome) {
            PassiveHealthConfig pc = passive.config();
            String cause = pc.errorLimit() + " consecutive " + (outcome == TrafficOutcome.STATUS_5XX
                    ? "5xx responses" : "connect failures") + " on live traffic";
            log.debug("server {}: {}", server.id(), cause);
            synchronized (this) {
                if (stopped) {
                    return;
                }
                HealthTransition t = pc.onError() == PassiveHealthConfig.OnError.MARK_DOWN
                        ? riseFall.markDown()
                        : riseFall.record(false);
                health = riseFall.health();
                up = riseFall.isUp();
                if (t == HealthTransition.CHANGED) {
                    report(server, false, cause);
                }
            }
        }

        private Duration nextInterval() {
            if (!riseFall.isSettled()) {
                return config.fastInterval();
            }
            return riseFall.isUp() ? config.interval() : config.downInterval();
        }

        private Scheduler.Cancellable schedule(Runnable task, long delayNanos) {
            try {
                return scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                log.debug("scheduler is shut down; checks of server {} stop", server.id());
                return null;
            }
        }

        synchronized void cancel() {
            if (next != null) {
                next.cancel();
                next = null;
            }
            if (watchdog != null) {
                watchdog.cancel();
                watchdog = null;
            }
        }

        ServerHealth snapshot() {
            return new ServerHealth(server, up ? ServerState.UP : ServerState.DOWN, health, config.rise(),
                    config.fall(), lastResult);
        }
    }
}
