package dev.tether.routing.balance;

import dev.tether.routing.LoadSignal;
import dev.tether.routing.model.Server;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * The {@link LoadSignal#reader}s of a balancer's servers, their {@link LoadSignal#counter}s when the signal has one
 * for every server, and their elements of its count array when their {@link LoadSignal#slot}s all lie in one array
 * (with whether they are consecutive), resolved on first use and again only if the balancer is asked with another
 * signal (one router normally uses one). Two threads may resolve at once; both results are equivalent and either
 * may win.
 */
final class LoadReaders {

    private final Server[] servers;
    private volatile Resolved resolved;

    private static final class Resolved {
        final LoadSignal signal;
        final IntSupplier[] readers;
        final AtomicInteger[] counters;
        /** The signal's count array when every server has a slot in it, else null; servers[i]'s is index[i]. */
        final int[] counts;
        final int[] index;
        /** index[0] when index[i] == index[0] + i for every i, else -1. */
        final int offset;

        Resolved(LoadSignal signal, IntSupplier[] readers, AtomicInteger[] counters, int[] counts, int[] index,
                int offset) {
            this.signal = signal;
            this.readers = readers;
            this.counters = counters;
            this.counts = counts;
            this.index = index;
            this.offset = offset;
        }
    }

    LoadReaders(Server[] servers) {
        this.servers = servers;
    }

    /** One reader per server, in the order of the array given to the constructor. */
    IntSupplier[] of(LoadSignal signal) {
        return resolve(signal).readers;
    }

    /**
     * One counter per server, in the order of the array given to the constructor, or {@code null} when the signal
     * does not hand out a counter for every server (then use {@link #of}).
     */
    AtomicInteger[] counters(LoadSignal signal) {
        return resolve(signal).counters;
    }

    /**
     * The signal's count array when every server has a {@link LoadSignal#slot} in that one array, else {@code null}
     * (then use {@link #counters} or {@link #of}). Read its elements in opaque mode, at {@link #index}.
     */
    int[] counts(LoadSignal signal) {
        return resolve(signal).counts;
    }

    /** Each server's element of {@link #counts}, in the order of the array given to the constructor. */
    int[] index(LoadSignal signal) {
        return resolve(signal).index;
    }

    /**
     * Where the servers' run starts in {@link #counts} when their elements are consecutive ({@code index[i] ==
     * offset + i}), else -1.
     */
    int offset(LoadSignal signal) {
        return resolve(signal).offset;
    }

    private Resolved resolve(LoadSignal signal) {
        Resolved r = resolved;
        if (r == null || r.signal != signal) {
            IntSupplier[] readers = new IntSupplier[servers.length];
            AtomicInteger[] counters = new AtomicInteger[servers.length];
            for (int i = 0; i < servers.length; i++) {
                readers[i] = signal.reader(servers[i]);
                if (counters != null) {
                    counters[i] = signal.counter(servers[i]);
                    if (counters[i] == null) {
                        counters = null;
                    }
                }
            }
            int[] counts = null;
            int[] index = new int[servers.length];
            int offset = -1;
            if (servers.length > 0) {
                LoadSignal.Slot first = signal.slot(servers[0]);
                if (first != null) {
                    counts = first.counts();
                    offset = first.index();
                    for (int i = 0; i < servers.length && counts != null; i++) {
                        LoadSignal.Slot s = i == 0 ? first : signal.slot(servers[i]);
                        if (s == null || s.counts() != counts) {
                            counts = null;
                        } else {
                            index[i] = s.index();
                            offset = s.index() == offset + i ? offset : -1;
                        }
                    }
                }
            }
            r = new Resolved(signal, readers, counters, counts, counts == null ? null : index,
                    counts == null ? -1 : offset);
            resolved = r;
        }
        return r;
    }
}
