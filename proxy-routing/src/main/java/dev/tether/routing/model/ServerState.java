package dev.tether.routing.model;

/**
 * The administrative and health state of one server.
 *
 * <ul>
 *   <li>{@code UP}: takes new sessions and sticky ones.
 *   <li>{@code DRAIN}: keeps the sticky sessions it has, takes no new ones.
 *   <li>{@code DOWN}: failed its health checks; takes nothing, its sticky sessions are redispatched.
 *   <li>{@code MAINT}: taken out by the operator; takes nothing.
 * </ul>
 */
public enum ServerState {
    UP,
    DRAIN,
    DOWN,
    MAINT;

    /** Whether a request that is already pinned to this server (cookie, pin rule) may still go to it. */
    public boolean acceptsSticky() {
        return this == UP || this == DRAIN;
    }

    /** Whether the balancer may give this server a new session. */
    public boolean acceptsNew() {
        return this == UP;
    }
}
