package dev.tether.routing;

import dev.tether.routing.model.Server;
import java.util.function.IntSupplier;

/** Live load the balancers may read; proxy-core counts requests in flight per server. */
@FunctionalInterface
public interface LoadSignal {

    /** Requests currently in flight on this server. */
    int inFlight(Server server);

    /**
     * A reader of one server's in-flight count. Balancers ask for it once per routing table and server, then call
     * it on every pick, so a least-connections scan over 100 servers does 100 counter reads instead of 100 map
     * lookups. Override it to return the counter itself (for example {@code counter(server.id())::get}); the
     * default reads {@link #inFlight} each time.
     */
    default IntSupplier reader(Server server) {
        return () -> inFlight(server);
    }

    LoadSignal NONE = server -> 0;
}
