package dev.tether.health;

import dev.tether.routing.model.Server;
import dev.tether.routing.model.ServerState;

/**
 * What the checker knows of one server, for the stats page.
 *
 * @param server the server as given to the checker
 * @param state {@code UP} or {@code DOWN} by health checks
 * @param health the rise/fall counter, 0..{@code rise + fall - 1}
 * @param rise passes needed to come up
 * @param fall failures needed to go down
 * @param lastResult the last probe's result (its duration is the check latency), or {@code null} before the first
 */
public record ServerHealth(Server server, ServerState state, int health, int rise, int fall, ProbeResult lastResult) {}
