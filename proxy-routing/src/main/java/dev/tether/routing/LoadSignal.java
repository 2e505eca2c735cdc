package dev.tether.routing;

import dev.tether.routing.model.Server;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * Live load the balancers may read; proxy-core counts requests in flight per server.
 *
 * <p>Only {@link #inFlight} is required. A signal that keeps one counter object per server should also override
 * {@link #counter}: balancers then read the counters straight from an array, which is what makes a
 * least-connections scan over 100 busy servers cheap.
 */
@FunctionalInterface
public interface LoadSignal {

    /** Requests currently in flight on this server. */
    int inFlight(Server server);

    /**
     * The live counter holding this server's in-flight count, or {@code null} (the default) when the signal has no
     * such object. Balancers ask for it once per routing table and server and keep it, so the counter returned
     * must be the one {@link #inFlight} reads for that server for as long as the server is configured. With a
     * counter for every server, least-connections scans an {@code AtomicInteger[]} (one load per server, no call).
     */
    default AtomicInteger counter(Server server) {
        return null;
    }

    /**
     * A reader of one server's in-flight count. Balancers ask for it once per routing table and server, then call
     * it on every pick, so a least-connections scan over 100 servers does 100 counter reads instead of 100 map
     * lookups. The default reads {@link #counter} when there is one, {@link #inFlight} each time otherwise;
     * override it when the count lives somewhere cheaper to read than {@code inFlight} but not in an
     * {@code AtomicInteger}.
     */
    default IntSupplier reader(Server server) {
        AtomicInteger counter = counter(server);
        return counter != null ? counter::get : () -> inFlight(server);
    }

    LoadSignal NONE = server -> 0;
}
