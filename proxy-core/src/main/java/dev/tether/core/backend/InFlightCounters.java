package dev.tether.core.backend;

import dev.tether.routing.LoadSignal;
import dev.tether.routing.RoutingTable;
import dev.tether.routing.config.BackendConfig;
import dev.tether.routing.model.Server;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests in progress per server, shared by all event loops; the load signal least-connections reads.
 *
 * <p>The counts live in {@code int[]} blocks, one element per server id, handed out in the order ids are first
 * seen and never moved or reused, so a reload keeps every server's count. {@link #reserve} gives each backend's new
 * servers adjacent elements in configuration order, so balancers ({@link LoadSignal#slot}) scan a backend's counts
 * as a run of ints. The forwarding code counts through a server's {@link Counter}.
 */
public final class InFlightCounters implements LoadSignal {

    /** Elements per block: a backend's servers reserved together stay in one block when they fit. */
    private static final int BLOCK = 4096;

    private final ConcurrentHashMap<String, Counter> counts = new ConcurrentHashMap<>();
    /** The block new counters go to, and how much of it is taken; guarded by {@code this}. */
    private int[] block = new int[BLOCK];
    private int used;

    /**
     * One server's count: an element of a shared block, updated atomically (as an {@code AtomicInteger} would be).
     */
    public static final class Counter {
        private final int[] counts;
        private final int index;
        private final Slot slot;

        private Counter(int[] counts, int index) {
            this.counts = counts;
            this.index = index;
            this.slot = new Slot(counts, index);
        }

        public int get() {
            return (int) Slot.COUNTS.getVolatile(counts, index);
        }

        public void set(int value) {
            Slot.COUNTS.setVolatile(counts, index, value);
        }

        public int incrementAndGet() {
            return (int) Slot.COUNTS.getAndAdd(counts, index, 1) + 1;
        }

        public int decrementAndGet() {
            return (int) Slot.COUNTS.getAndAdd(counts, index, -1) - 1;
        }

        public boolean compareAndSet(int expected, int value) {
            return Slot.COUNTS.compareAndSet(counts, index, expected, value);
        }
    }

    /** The server's counter, created at 0 on first use. */
    public Counter counter(String serverId) {
        Counter c = counts.get(serverId);
        return c != null ? c : create(serverId);
    }

    /**
     * Gives the servers of every backend of {@code table} that have no counter yet adjacent counters, in
     * configuration order, so balancers read each backend's counts as one run. Call it with each new table before
     * it routes; servers first seen elsewhere (a request before the call) still count correctly, only their
     * backend's scan is slower.
     */
    public void reserve(RoutingTable table) {
        for (BackendConfig backend : table.config().backends()) {
            List<Server> servers = table.servers(backend.name());
            int fresh = 0;
            for (Server s : servers) {
                if (!counts.containsKey(s.id())) {
                    fresh++;
                }
            }
            if (fresh == 0) {
                continue;
            }
            synchronized (this) {
                if (used + fresh > BLOCK && fresh <= BLOCK) {
                    block = new int[BLOCK];
                    used = 0;
                }
                for (Server s : servers) {
                    create(s.id()); // under this lock: consecutive elements
                }
            }
        }
    }

    /** Never called under a map lock (no computeIfAbsent), so this lock and the map's cannot deadlock. */
    private synchronized Counter create(String serverId) {
        Counter c = counts.get(serverId);
        if (c == null) {
            if (used == BLOCK) {
                block = new int[BLOCK];
                used = 0;
            }
            c = new Counter(block, used++);
            counts.put(serverId, c);
        }
        return c;
    }

    @Override
    public int inFlight(Server server) {
        return inFlight(server.id());
    }

    /** The server's element of the shared blocks, so balancers scan a backend's counts as an array. */
    @Override
    public Slot slot(Server server) {
        return counter(server.id()).slot;
    }

    public int inFlight(String serverId) {
        Counter c = counts.get(serverId);
        return c == null ? 0 : c.get();
    }
}
