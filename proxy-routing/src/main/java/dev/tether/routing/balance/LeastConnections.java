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
 * at a rotating offset so that ties (an idle backend) spread round-robin instead of all landing on the first server;
 * the first server from that offset with the lowest ratio wins. Cost is one counter read per server per pick
 * (through {@link LoadSignal#reader}, resolved once) against weights copied into an array, so a scan touches only
 * two arrays and the counters. An idle server (nothing in flight) cannot be beaten, so the scan stops at the first
 * one: on a lightly loaded backend a pick reads a few counters; on a busy one it reads them all (linear in the
 * number of servers; {@link PowerOfTwoChoices} reads two).
 */
public final class LeastConnections implements LoadBalancer {

    private final Server[] servers;
    private final long[] weights;
    private final LoadReaders loads;
    private final AtomicInteger start = new AtomicInteger();

    /** @param servers usable servers, each with weight above 0 */
    public LeastConnections(List<Server> servers) {
        this.servers = servers.toArray(new Server[0]);
        this.weights = new long[this.servers.length];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = this.servers[i].config().weight();
        }
        this.loads = new LoadReaders(this.servers);
    }

    @Override
    public Server pick(LoadSignal load, Set<String> avoid) {
        int n = servers.length;
        IntSupplier[] inFlight = loads.of(load);
        int first = Math.floorMod(start.getAndIncrement(), n);
        int best = avoid.isEmpty() ? scan(inFlight, first) : scanAvoiding(inFlight, first, avoid);
        return best < 0 ? null : servers[best];
    }

    /** The index of the least loaded server, scanning from {@code first}. */
    private int scan(IntSupplier[] inFlight, int first) {
        int n = servers.length;
        long[] w = weights;
        int best = first;
        long bestLoad = inFlight[first].getAsInt();
        long bestWeight = w[first];
        for (int k = 1; k < n && bestLoad != 0; k++) {
            int i = first + k < n ? first + k : first + k - n;
            long current = inFlight[i].getAsInt();
            if (current * bestWeight < bestLoad * w[i]) {
                best = i;
                bestLoad = current;
                bestWeight = w[i];
            }
        }
        return best;
    }

    /** As {@link #scan}, skipping the servers in {@code avoid}; -1 when every server is avoided. */
    private int scanAvoiding(IntSupplier[] inFlight, int first, Set<String> avoid) {
        int n = servers.length;
        int best = -1;
        long bestLoad = 0;
        long bestWeight = 1;
        for (int k = 0; k < n; k++) {
            int i = first + k < n ? first + k : first + k - n;
            if (avoid.contains(servers[i].id())) {
                continue;
            }
            long current = inFlight[i].getAsInt();
            if (best < 0 || current * bestWeight < bestLoad * weights[i]) {
                best = i;
                bestLoad = current;
                bestWeight = weights[i];
                if (current == 0) {
                    break;
                }
            }
        }
        return best;
    }
}
