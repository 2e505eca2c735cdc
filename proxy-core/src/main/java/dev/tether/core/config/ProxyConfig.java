package dev.tether.core.config;

import dev.tether.core.admin.AdminConfig;
import dev.tether.core.ops.ShardPinsConfig;
import dev.tether.health.HealthCheckConfig;
import dev.tether.health.PassiveHealthConfig;
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
 * @param passiveHealth errors on live traffic counted against servers, per backend name
 * @param slowStart weight ramp of a server that came back up, per backend name; zero for none
 * @param admin the admin listener (metrics, stats page), or {@code null} for none
 * @param reloadWatch how often to poll the configuration file and reload it when it changed; zero for never
 * @param shardPins how long moved shard keys keep their old server, and how many are remembered
 * @param maxConnections client connections open on all listeners together at most, 0 for no limit
 */
public record ProxyConfig(
        List<ListenerConfig> listeners,
        RoutingConfig routing,
        Map<String, BackendTimeouts> timeouts,
        Map<String, HealthCheckConfig> health,
        int eventLoopThreads,
        Duration drainTimeout,
        String source,
        Map<String, PassiveHealthConfig> passiveHealth,
        Map<String, Duration> slowStart,
        AdminConfig admin,
        Duration reloadWatch,
        ShardPinsConfig shardPins,
        int maxConnections) {

    public ProxyConfig {
        if (maxConnections < 0) {
            throw new IllegalArgumentException(
                    "max-connections = " + maxConnections + " (expected >= 0, 0 = no limit)");
        }
        reloadWatch = reloadWatch == null ? Duration.ZERO : reloadWatch;
        shardPins = shardPins == null ? ShardPinsConfig.defaults() : shardPins;
        listeners = List.copyOf(listeners);
        timeouts = Map.copyOf(timeouts);
        health = Map.copyOf(health);
        passiveHealth = Map.copyOf(passiveHealth);
        slowStart = Map.copyOf(slowStart);
    }

    /**
     * A configuration with reference passive health and no slow start for every backend, and no admin listener
     * (so that tests building configurations by hand never bind port 8404).
     */
    public ProxyConfig(
            List<ListenerConfig> listeners,
            RoutingConfig routing,
            Map<String, BackendTimeouts> timeouts,
            Map<String, HealthCheckConfig> health,
            int eventLoopThreads,
            Duration drainTimeout,
            String source) {
        this(listeners, routing, timeouts, health, eventLoopThreads, drainTimeout, source, Map.of(), Map.of(), null,
                Duration.ZERO, null, 0);
    }

    /** This configuration with another admin listener, or none ({@code null}). */
    public ProxyConfig withAdmin(AdminConfig admin) {
        return new ProxyConfig(listeners, routing, timeouts, health, eventLoopThreads, drainTimeout, source,
                passiveHealth, slowStart, admin, reloadWatch, shardPins, maxConnections);
    }

    /** This configuration with other shard-pin settings. */
    public ProxyConfig withShardPins(ShardPinsConfig pins) {
        return new ProxyConfig(listeners, routing, timeouts, health, eventLoopThreads, drainTimeout, source,
                passiveHealth, slowStart, admin, reloadWatch, pins, maxConnections);
    }

    /** This configuration with another proxy-wide connection cap (0 = no limit). */
    public ProxyConfig withMaxConnections(int max) {
        return new ProxyConfig(listeners, routing, timeouts, health, eventLoopThreads, drainTimeout, source,
                passiveHealth, slowStart, admin, reloadWatch, shardPins, max);
    }

    /** The backend's timeouts; called per request, so the fallback is a constant, not a new object. */
    public BackendTimeouts timeouts(String backend) {
        BackendTimeouts t = timeouts.get(backend);
        return t != null ? t : DEFAULT_TIMEOUTS;
    }

    private static final BackendTimeouts DEFAULT_TIMEOUTS = BackendTimeouts.defaults();

    public HealthCheckConfig health(String backend) {
        return health.getOrDefault(backend, HealthCheckConfig.disabled());
    }

    /** The backend's passive health; the reference default ({@link PassiveHealthConfig#defaults()}) if unset. */
    public PassiveHealthConfig passiveHealth(String backend) {
        return passiveHealth.getOrDefault(backend, PassiveHealthConfig.defaults());
    }

    /** The backend's slow-start ramp; {@link Duration#ZERO} (full weight at once) if unset. */
    public Duration slowStart(String backend) {
        return slowStart.getOrDefault(backend, Duration.ZERO);
    }
}
