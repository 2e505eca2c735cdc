package dev.tether.routing.balance;

import dev.tether.routing.LoadSignal;
import dev.tether.routing.model.Server;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * The {@link LoadSignal#reader}s of a balancer's servers, and their {@link LoadSignal#counter}s when the signal has
 * one for every server, resolved on first use and again only if the balancer is asked with another signal (one
 * router normally uses one). Two threads may resolve at once; both results are equivalent and either may win.
 */
final class LoadReaders {

    private final Server[] servers;
    private volatile Resolved resolved;

    private static final class Resolved {
        final LoadSignal signal;
        final IntSupplier[] readers;
        final AtomicInteger[] counters;

        Resolved(LoadSignal signal, IntSupplier[] readers, AtomicInteger[] counters) {
            this.signal = signal;
            this.readers = readers;
            this.counters = counters;
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
            r = new Resolved(signal, readers, counters);
            resolved = r;
        }
        return r;
    }
}
