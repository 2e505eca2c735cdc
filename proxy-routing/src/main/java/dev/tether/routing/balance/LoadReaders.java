package dev.tether.routing.balance;

import dev.tether.routing.LoadSignal;
import dev.tether.routing.model.Server;
import java.util.function.IntSupplier;

/**
 * The {@link LoadSignal#reader}s of a balancer's servers, resolved on first use and again only if the balancer is
 * asked with another signal (one router normally uses one). Two threads may resolve at once; both results are
 * equivalent and either may win.
 */
final class LoadReaders {

    private final Server[] servers;
    private volatile Resolved resolved;

    private static final class Resolved {
        final LoadSignal signal;
        final IntSupplier[] readers;

        Resolved(LoadSignal signal, IntSupplier[] readers) {
            this.signal = signal;
            this.readers = readers;
        }
    }

    LoadReaders(Server[] servers) {
        this.servers = servers;
    }

    /** One reader per server, in the order of the array given to the constructor. */
    IntSupplier[] of(LoadSignal signal) {
        Resolved r = resolved;
        if (r == null || r.signal != signal) {
            IntSupplier[] readers = new IntSupplier[servers.length];
            for (int i = 0; i < servers.length; i++) {
                readers[i] = signal.reader(servers[i]);
            }
            r = new Resolved(signal, readers);
            resolved = r;
        }
        return r.readers;
    }
}
