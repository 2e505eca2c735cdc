package dev.tether.routing;

import dev.tether.routing.model.Server;

/** Live load the balancers may read; proxy-core counts requests in flight per server. */
@FunctionalInterface
public interface LoadSignal {

    /** Requests currently in flight on this server. */
    int inFlight(Server server);

    LoadSignal NONE = server -> 0;
}
