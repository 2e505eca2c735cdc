package dev.tether.routing;

import dev.tether.routing.model.Server;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * Live load the balancers may read; proxy-core counts requests in flight per server.
 *
 * <p>Only {@link #inFlight} is required. A signal that keeps its counts in an {@code int[]} should also override
 * {@link #slot}, one that keeps one counter object per server {@link #counter}: balancers then read the counts
 * straight from an array, which is what makes a least-connections scan over 100 busy servers cheap (cheapest when a
 * backend's servers have consecutive slots of one array: the scan is then a walk over adjacent ints).
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
     * lookups. The default reads the {@link #slot} when there is one, else the {@link #counter}, else
     * {@link #inFlight} each time; override it when the count lives somewhere cheaper to read than {@code inFlight}
     * but in neither.
     */
    default IntSupplier reader(Server server) {
        Slot slot = slot(server);
        if (slot != null) {
            int[] counts = slot.counts();
            int index = slot.index();
            return () -> (int) Slot.COUNTS.getOpaque(counts, index);
        }
        AtomicInteger counter = counter(server);
        return counter != null ? counter::get : () -> inFlight(server);
    }

    /**
     * Where this server's in-flight count lives in an {@code int[]} the signal updates in place (the count of
     * server {@code s} is {@code slot(s).counts()[slot(s).index()]}), or {@code null} (the default) when the signal
     * keeps no such array. Balancers ask once per routing table and server and keep the answer, so the slot must be
     * the one {@link #inFlight} reads for that server for as long as the server is configured. Balancers only read
     * the array, in opaque mode ({@link java.lang.invoke.VarHandle#getOpaque}); the signal's owner should update it
     * atomically (a {@code VarHandle} from {@link java.lang.invoke.MethodHandles#arrayElementVarHandle}). When every
     * server of a backend has a slot in one array, in consecutive order, least-connections scans that run of ints.
     */
    default Slot slot(Server server) {
        return null;
    }

    /**
     * A server's place in a signal's array of in-flight counts; see {@link #slot}.
     *
     * @param counts the signal's live counts, read-only to balancers
     * @param index this server's element of {@code counts}
     */
    record Slot(int[] counts, int index) {

        /** Element access to a count array, for opaque reads (balancers) and atomic updates (the signal's owner). */
        public static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(int[].class);

        public Slot {
            java.util.Objects.checkIndex(index, counts.length);
        }
    }

    LoadSignal NONE = server -> 0;
}
