package dev.tether.core.backend;

import dev.tether.health.TrafficOutcome;

/** Receives what live traffic saw of a server, for passive health checks. Called on event loops; must not block. */
@FunctionalInterface
public interface TrafficObserver {

    void observe(String serverId, TrafficOutcome outcome);

    TrafficObserver NONE = (serverId, outcome) -> {};
}
