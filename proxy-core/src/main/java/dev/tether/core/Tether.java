package dev.tether.core;

import dev.tether.core.config.ProxyConfig;
import dev.tether.core.log.ExchangeListener;
import dev.tether.health.HealthCheckConfig;
import dev.tether.health.HealthChecker;
import dev.tether.health.Scheduler;
import dev.tether.health.netty.HttpHeadProber;
import dev.tether.routing.config.BackendConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * One running Tether: the proxy server plus what watches and reports on it (health checkers, metrics, access log).
 * This is where the parts are wired together; {@link ProxyMain} and the end-to-end tests start it.
 */
public final class Tether {

    private final ProxyServer server;
    private final List<HealthChecker> checkers;

    private Tether(ProxyServer server, List<HealthChecker> checkers) {
        this.server = server;
        this.checkers = checkers;
    }

    /** Binds the listeners and starts a health checker for every backend whose checks are enabled. */
    public static Tether start(ProxyConfig config) throws InterruptedException {
        return start(config, ExchangeListener.NONE);
    }

    public static Tether start(ProxyConfig config, ExchangeListener events) throws InterruptedException {
        ProxyServer server = new ProxyServer(config, events).start();
        List<HealthChecker> checkers = new ArrayList<>();
        for (BackendConfig backend : config.routing().backends()) {
            HealthCheckConfig health = config.health(backend.name());
            if (!health.enabled()) {
                continue;
            }
            HttpHeadProber prober = new HttpHeadProber(server.ioGroup(), server.transport().socketChannel(), health);
            checkers.add(HealthChecker.start(server.tables().get().servers(backend.name()), health, prober,
                    change -> server.tables().setServerState(change.server().backend(), change.server().name(),
                            change.to()),
                    Scheduler.of(server.ioGroup().next())));
        }
        server.trafficObserver((serverId, outcome) -> {
            for (HealthChecker checker : checkers) {
                checker.observe(serverId, outcome);
            }
        });
        return new Tether(server, checkers);
    }

    public ProxyServer server() {
        return server;
    }

    public List<HealthChecker> healthCheckers() {
        return checkers;
    }

    /** Stops the checks, then the proxy with its drain timeout. */
    public void stop() {
        checkers.forEach(HealthChecker::stop);
        server.stop();
    }
}
