package dev.tether.core.backend;

import dev.tether.routing.LoadSignal;
import dev.tether.routing.model.Server;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests in progress per server, shared by all event loops; the load signal least-connections reads.
 */
public final class InFlightCounters implements LoadSignal {

    private final ConcurrentHashMap<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    public AtomicInteger counter(String serverId) {
        return counts.computeIfAbsent(serverId, id -> new AtomicInteger());
    }

    @Override
    public int inFlight(Server server) {
        AtomicInteger c = counts.get(server.id());
        return c == null ? 0 : c.get();
    }

    /** The server's counter itself, so balancers read it from an array with no map lookup or call per pick. */
    @Override
    public AtomicInteger counter(Server server) {
        return counter(server.id());
    }

    public int inFlight(String serverId) {
        AtomicInteger c = counts.get(serverId);
        return c == null ? 0 : c.get();
    }
}
