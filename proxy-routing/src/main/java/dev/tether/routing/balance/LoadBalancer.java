package dev.tether.routing.balance;

import dev.tether.routing.LoadSignal;
import dev.tether.routing.model.Server;
import java.util.Set;

/**
 * Picks a server for a new session among a fixed list of usable servers.
 *
 * <p>Membership never changes inside a balancer: a health change compiles a new routing table with new balancers
 * (see {@link LoadBalancers#create}). The only mutable state is a cursor or counter, so every implementation is safe
 * for concurrent use and allocates nothing per pick.
 */
public interface LoadBalancer {

    /**
     * Picks a server.
     *
     * @param load requests in flight per server, for the algorithms that read it
     * @param avoid {@link Server#id()}s that must not be picked (servers that already failed this request)
     * @return a server, or {@code null} when every candidate is avoided
     */
    Server pick(LoadSignal load, Set<String> avoid);
}
