package dev.tether.core;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.tether.core.admin.AdminServer;
import dev.tether.core.config.ProxyConfig;
import dev.tether.core.log.AccessLog;
import dev.tether.core.log.ExchangeListener;
import dev.tether.core.log.ExchangeListeners;
import dev.tether.core.metrics.ProxyMetrics;
import dev.tether.health.AdminState;
import dev.tether.health.HealthCheckConfig;
import dev.tether.health.HealthChecker;
import dev.tether.health.Scheduler;
import dev.tether.health.ServerStateChange;
import dev.tether.health.netty.HttpHeadProber;
import dev.tether.routing.RoutingTable;
import dev.tether.routing.config.BackendConfig;
import dev.tether.routing.model.ServerState;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One running Tether: the proxy server and what watches and reports on it (health checkers, metrics, access log,
 * admin listener). This is where the parts are wired together; {@link ProxyMain} and the end-to-end tests start it.
 *
 * <p>A server's state in the routing table combines two things: its health (what the checks say) and its
 * administrative state (ready, drain, maint, as the operator set it). Health changes never override an operator's
 * drain or maint.
 */
public final class Tether {

    private final ProxyServer server;
    private final ProxyMetrics metrics;
    private final List<HealthChecker> checkers;
    private final ConcurrentHashMap<String, AdminState> adminStates = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Boolean> healthy = new ConcurrentHashMap<>();
    private AdminServer admin;
    private EventLoopGroup adminGroup;

    private Tether(ProxyServer server, ProxyMetrics metrics) {
        this.server = server;
        this.metrics = metrics;
        this.checkers = new ArrayList<>();
    }

    /** Starts with metrics and the access log. */
    public static Tether start(ProxyConfig config) throws InterruptedException {
        return start(config, ExchangeListener.NONE);
    }

    /**
     * Binds the listeners, starts a health checker for every backend whose checks are enabled, and the admin
     * listener when configured. {@code extra} receives every exchange event too (tests).
     */
    public static Tether start(ProxyConfig config, ExchangeListener extra) throws InterruptedException {
        TableHolder tables = new TableHolder(RoutingTable.compile(config.routing()));
        ProxyMetrics metrics = new ProxyMetrics(tables);
        ExchangeListener events = ExchangeListeners.of(metrics, new AccessLog(), extra);
        ProxyServer server = new ProxyServer(config, tables, events).start();
        metrics.bindSessions(server.inFlight()::inFlight).bindPooledIdle(server.connector()::idleConnections);
        Tether tether = new Tether(server, metrics);
        try {
            tether.startHealthChecks(config);
            tether.startAdmin(config);
        } catch (RuntimeException e) {
            tether.stop();
            throw e;
        }
        return tether;
    }

    private void startHealthChecks(ProxyConfig config) {
        for (BackendConfig backend : config.routing().backends()) {
            HealthCheckConfig health = config.health(backend.name());
            if (!health.enabled()) {
                continue;
            }
            HttpHeadProber prober = new HttpHeadProber(server.ioGroup(), server.transport().socketChannel(), health);
            checkers.add(HealthChecker.start(server.tables().get().servers(backend.name()), health,
                    config.passiveHealth(backend.name()), metrics.countProbes(prober), this::onHealthChange,
                    Scheduler.of(server.ioGroup().next()), Ticker.systemTicker(), new SplittableRandom()));
        }
        server.trafficObserver((serverId, outcome) -> {
            for (HealthChecker checker : checkers) {
                checker.observe(serverId, outcome);
            }
        });
    }

    private void startAdmin(ProxyConfig config) {
        if (config.admin() == null) {
            return;
        }
        adminGroup = server.transport().newGroup(1, "tether-admin");
        admin = new AdminServer(config.admin(), metrics, server.tables(), adminGroup);
        InetSocketAddress bound = admin.start().join();
        org.slf4j.LoggerFactory.getLogger(Tether.class).info("admin listener on {}", bound);
    }

    private void onHealthChange(ServerStateChange change) {
        String id = change.server().id();
        healthy.put(id, change.to() == ServerState.UP);
        publish(change.server().backend(), change.server().name());
    }

    /** Sets an operator state (ready, drain, maint) for a server; health keeps being tracked underneath. */
    public void setAdminState(String backend, String serverName, AdminState state) {
        adminStates.put(backend + "/" + serverName, state);
        publish(backend, serverName);
    }

    private void publish(String backend, String serverName) {
        String id = backend + "/" + serverName;
        AdminState state = adminStates.getOrDefault(id, AdminState.READY);
        server.tables().setServerState(backend, serverName, state.effective(healthy.getOrDefault(id, true)));
    }

    public ProxyServer server() {
        return server;
    }

    public ProxyMetrics metrics() {
        return metrics;
    }

    /** The admin listener's address, or {@code null} when none is configured. */
    public InetSocketAddress adminAddress() {
        return admin == null ? null : admin.localAddress();
    }

    public List<HealthChecker> healthCheckers() {
        return checkers;
    }

    /** Stops the checks and the admin listener, then the proxy with its drain timeout. */
    public void stop() {
        checkers.forEach(HealthChecker::stop);
        if (admin != null) {
            admin.stop().join();
            adminGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        }
        server.stop();
    }
}
