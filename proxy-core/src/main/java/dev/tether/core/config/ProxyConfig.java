package dev.tether.core.config;

import dev.tether.health.HealthCheckConfig;
import dev.tether.routing.config.RoutingConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The whole validated configuration of one Tether process.
 *
 * @param listeners where clients connect
 * @param routing backends, rules and default backend
 * @param timeouts server-side timeouts per backend name; every backend has an entry
 * @param health health checks per backend name; every backend has an entry
 * @param eventLoopThreads I/O threads, 0 for one per core
 * @param drainTimeout on stop, in-flight requests and tunnels get this long to finish
 * @param source where the configuration came from, for messages ({@code conf/demo.conf} or {@code built-in demo})
 */
public record ProxyConfig(
        List<ListenerConfig> listeners,
        RoutingConfig routing,
        Map<String, BackendTimeouts> timeouts,
        Map<String, HealthCheckConfig> health,
        int eventLoopThreads,
        Duration drainTimeout,
        String source) {

    public ProxyConfig {
        listeners = List.copyOf(listeners);
        timeouts = Map.copyOf(timeouts);
        health = Map.copyOf(health);
    }

    public BackendTimeouts timeouts(String backend) {
        return timeouts.getOrDefault(backend, BackendTimeouts.defaults());
    }

    public HealthCheckConfig health(String backend) {
        return health.getOrDefault(backend, HealthCheckConfig.disabled());
    }
}
