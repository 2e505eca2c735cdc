package dev.tether.routing.balance;

import dev.tether.routing.LoadSignal;
import dev.tether.routing.model.Server;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * Weighted least-connections: the server with the fewest requests in flight per unit of weight.
 *
 * <p>Loads are compared as {@code a.inFlight * b.weight < b.inFlight * a.weight}, so no division. The scan starts
 * at a rotating offset so that ties (an idle backend) spread round-robin instead of all landing on the first server.
 * Cost is one counter read per server per pick (through {@link LoadSignal#reader}, resolved once): fine for
 * tens of servers, linear beyond; use {@link PowerOfTwoChoices} for large backends.
 */
public final class LeastConnections implements LoadBalancer {

    private final Server[] servers;
    private final LoadReaders loads;
    private final AtomicInteger start = new AtomicInteger();

    /** @param servers usable servers, each with weight above 0 */
    public LeastConnections(List<Server> servers) {
        this.servers = servers.toArray(new Server[0]);
        this.loads = new LoadReaders(this.servers);
    }

    @Override
    public Server pick(LoadSignal load, Set<String> avoid) {
        int n = servers.length;
        IntSupplier[] inFlight = loads.of(load);
        int first = Math.floorMod(start.getAndIncrement(), n);
        Server best = null;
        long bestLoad = 0;
        long bestWeight = 1;
        for (int k = 0; k < n; k++) {
            int i = first + k < n ? first + k : first + k - n;
            Server s = servers[i];
            if (!avoid.isEmpty() && avoid.contains(s.id())) {
                continue;
            }
            long current = inFlight[i].getAsInt();
            long weight = s.config().weight();
            if (best == null || current * bestWeight < bestLoad * weight) {
                best = s;
                bestLoad = current;
                bestWeight = weight;
            }
        }
        return best;
    }
}
