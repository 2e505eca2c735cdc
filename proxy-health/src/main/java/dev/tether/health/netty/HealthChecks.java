package dev.tether.health.netty;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.tether.health.HealthCheckConfig;
import dev.tether.health.HealthChecker;
import dev.tether.health.HealthListener;
import dev.tether.health.PassiveHealthConfig;
import dev.tether.health.ProbeResult;
import dev.tether.health.Scheduler;
import dev.tether.health.ServerHealth;
import dev.tether.health.TrafficOutcome;
import dev.tether.routing.model.Server;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The health checks of a whole proxy: one {@link HealthChecker} per backend, each probing with an
 * {@link HttpHeadProber} and scheduled on one event loop of {@code group} (backends are spread over the
 * loops), so checks share the proxy's threads and never need locks of their own.
 *
 * <p>Backends whose configuration is disabled get a checker that probes nothing, so queries answer the
 * same way for every server.
 */
public final class HealthChecks {

    private final List<HealthChecker> checkers;
    private final Map<String, HealthChecker> byServer;

    private HealthChecks(List<HealthChecker> checkers, Map<String, HealthChecker> byServer) {
        this.checkers = checkers;
        this.byServer = byServer;
    }

    /**
     * Starts checking every server in {@code servers} (of any number of backends).
     *
     * @param servers the servers with their current state; a {@code DOWN} one starts fully down
     * @param configOf the check configuration of a backend, by backend name
     * @param passive passive health for every backend
     * @param group the proxy's event loops (epoll or NIO)
     * @param channelType the socket channel class of {@code group}'s transport
     * @param listener receives every change, on an event loop
     */
    public static HealthChecks start(
            List<Server> servers,
            Function<String, HealthCheckConfig> configOf,
            PassiveHealthConfig passive,
            EventLoopGroup group,
            Class<? extends SocketChannel> channelType,
            HealthListener listener) {
        Map<String, List<Server>> byBackend = new LinkedHashMap<>();
        for (Server s : servers) {
            byBackend.computeIfAbsent(s.backend(), b -> new ArrayList<>()).add(s);
        }
        List<HealthChecker> checkers = new ArrayList<>();
        Map<String, HealthChecker> byServer = new HashMap<>();
        for (Map.Entry<String, List<Server>> e : byBackend.entrySet()) {
            HealthCheckConfig config = configOf.apply(e.getKey());
            HealthChecker checker = HealthChecker.start(e.getValue(), config, passive,
                    new HttpHeadProber(group, channelType, config), listener, Scheduler.of(group.next()),
                    Ticker.systemTicker(), new SplittableRandom());
            checkers.add(checker);
            for (Server s : e.getValue()) {
                byServer.put(s.id(), checker);
            }
        }
        return new HealthChecks(List.copyOf(checkers), Collections.unmodifiableMap(byServer));
    }

    /** The last probe result of a server ({@code backend/name}), or {@code null} before its first probe. */
    public ProbeResult lastResult(String serverId) {
        HealthChecker c = byServer.get(serverId);
        return c == null ? null : c.lastResult(serverId);
    }

    /** What the checks know of a server, or {@code null} for one not checked. */
    public ServerHealth status(String serverId) {
        HealthChecker c = byServer.get(serverId);
        return c == null ? null : c.status(serverId);
    }

    /** Every server's status, backend by backend in the order given. */
    public List<ServerHealth> statuses() {
        List<ServerHealth> all = new ArrayList<>();
        for (HealthChecker c : checkers) {
            all.addAll(c.statuses());
        }
        return all;
    }

    /** Counts an exchange of live traffic against a server; see {@link HealthChecker#observe}. */
    public void observe(String serverId, TrafficOutcome outcome) {
        HealthChecker c = byServer.get(serverId);
        if (c != null) {
            c.observe(serverId, outcome);
        }
    }

    /** Stops every checker; call before shutting down {@code group}. */
    public void stop() {
        for (HealthChecker c : checkers) {
            c.stop();
        }
    }
}
