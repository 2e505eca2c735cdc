package dev.tether.health;

import dev.tether.routing.model.Server;
import dev.tether.routing.model.ServerState;

/**
 * A server's health crossed from up to down or back.
 *
 * @param server the server as it was given to the {@link HealthChecker} (backend and name identify it)
 * @param from {@link ServerState#UP} or {@link ServerState#DOWN}
 * @param to the other one of the two
 * @param cause what decided it, for example {@code 3 failed checks (connection refused)}
 */
public record ServerStateChange(Server server, ServerState from, ServerState to, String cause) {}
