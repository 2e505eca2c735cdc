package dev.tether.routing.balance;

import dev.tether.routing.LoadSignal;
import dev.tether.routing.model.Server;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;

/**
 * Power of two random choices (Mitzenmacher): draw two servers at random in proportion to weight, send the request
 * to the one with fewer requests in flight per unit of weight.
 *
 * <p>Two reads of the load signal per pick whatever the backend size, and nearly the balance of a full
 * least-connections scan without its herd effect (many proxies scanning the same counters all pick the same idle
 * server). The weighted draw is a binary search over cumulative weights. With servers to avoid (a retry, rare) it
 * falls back to a full least-loaded scan.
 */
public final class PowerOfTwoChoices implements LoadBalancer {

    private final Server[] servers;
    private final int[] cumulative;
    private final LeastConnections scan;
    private final LoadReaders loads;

    /** @param servers usable servers, each with weight above 0 */
    public PowerOfTwoChoices(List<Server> servers) {
        this.servers = servers.toArray(new Server[0]);
        this.cumulative = new int[this.servers.length];
        int sum = 0;
        for (int i = 0; i < this.servers.length; i++) {
            sum += this.servers[i].config().weight();
            cumulative[i] = sum;
        }
        this.scan = new LeastConnections(servers);
        this.loads = new LoadReaders(this.servers);
    }

    @Override
    public Server pick(LoadSignal load, Set<String> avoid) {
        if (!avoid.isEmpty()) {
            return scan.pick(load, avoid);
        }
        if (servers.length == 1) {
            return servers[0];
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int a = draw(random);
        int b = draw(random);
        if (a == b) {
            // Same server drawn twice: take its neighbour so two distinct servers are compared.
            b = a + 1 == servers.length ? 0 : a + 1;
        }
        Server x = servers[a];
        Server y = servers[b];
        IntSupplier[] inFlight = loads.of(load);
        long loadX = inFlight[a].getAsInt();
        long loadY = inFlight[b].getAsInt();
        return loadY * x.config().weight() < loadX * y.config().weight() ? y : x;
    }

    private int draw(ThreadLocalRandom random) {
        int r = random.nextInt(cumulative[cumulative.length - 1]);
        int i = Arrays.binarySearch(cumulative, r + 1);
        return i >= 0 ? i : -i - 1;
    }
}
