package dev.tether.health;

import dev.tether.routing.model.ServerState;

/**
 * What the operator set for a server, kept apart from what health checks say, as HAProxy keeps a server's
 * administrative and operational states apart. A routing table holds only the combination,
 * {@link #effective}; whoever applies {@link ServerStateChange}s keeps both halves, so a draining server
 * that goes down comes back draining, and a server in maintenance stays there whatever its checks say.
 */
public enum AdminState {
    /** Takes traffic as its health allows. */
    READY,
    /** Keeps its sticky sessions, takes no new ones. */
    DRAIN,
    /** Takes nothing. */
    MAINT;

    /**
     * The state the routing table should show: {@code MAINT} when in maintenance, else {@code DOWN} when
     * unhealthy, else {@code DRAIN} when draining, else {@code UP}.
     */
    public ServerState effective(boolean healthy) {
        if (this == MAINT) {
            return ServerState.MAINT;
        }
        if (!healthy) {
            return ServerState.DOWN;
        }
        return this == DRAIN ? ServerState.DRAIN : ServerState.UP;
    }

    /** The administrative half of a configured state: {@code DRAIN} and {@code MAINT} stay, others are READY. */
    public static AdminState of(ServerState configured) {
        switch (configured) {
            case DRAIN:
                return DRAIN;
            case MAINT:
                return MAINT;
            default:
                return READY;
        }
    }
}
