package dev.tether.routing.balance;

import dev.tether.routing.LoadSignal;
import dev.tether.routing.model.Server;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * Power of two random choices (Mitzenmacher): draw two servers at random in proportion to weight, send the request
 * to the one with fewer requests in flight per unit of weight.
 *
 * <p>Two reads of the load signal per pick whatever the backend size, and nearly the balance of a full
 * least-connections scan without its herd effect (many proxies scanning the same counters all pick the same idle
 * server). With servers to avoid (a retry, rare) it falls back to a full least-loaded scan.
 *
 * <p>The weighted draw costs the same for any number of servers: an alias table (Walker, built with Vose's method
 * in integers, so the odds are exactly {@code weight / total}) gives each server a column of {@code total} units,
 * of which it keeps {@code own[i]} and lends the rest to {@code alias[i]}. A draw is one random column and one
 * random unit in it, both from one 64-bit random number (Lemire's multiply-shift, with its rare rejection so each is
 * exactly uniform): no division, no search. The loads are read from the signal's count array or counters when it
 * hands them out ({@link LoadSignal#slot}, {@link LoadSignal#counter}), else through its readers; the weights from
 * an array.
 */
public final class PowerOfTwoChoices implements LoadBalancer {

    private final Server[] servers;
    private final long[] weights;
    private final int total;
    private final int[] own;
    private final int[] alias;
    private final LeastConnections scan;
    private final LoadReaders loads;

    /** @param servers usable servers, each with weight above 0 */
    public PowerOfTwoChoices(List<Server> servers) {
        this.servers = servers.toArray(new Server[0]);
        int n = this.servers.length;
        this.weights = new long[n];
        long sum = 0;
        for (int i = 0; i < n; i++) {
            weights[i] = this.servers[i].config().weight();
            sum += weights[i];
        }
        if (sum > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("power-of-two: total weight " + sum + " above " + Integer.MAX_VALUE);
        }
        this.total = (int) sum;
        this.own = new int[n];
        this.alias = new int[n];
        buildAliases(weights, total, own, alias);
        this.scan = new LeastConnections(servers);
        this.loads = new LoadReaders(this.servers);
    }

    /**
     * Vose's alias method over whole numbers: server {@code i} needs {@code weight[i] * n} units spread over n columns
     * of {@code total} units each (both sides add up to {@code n * total}). A column under its need is filled from a
     * server over it, which becomes its alias; every quantity stays a whole number, so the odds are exact.
     */
    static void buildAliases(long[] weights, int total, int[] own, int[] alias) {
        int n = weights.length;
        long[] need = new long[n];
        int[] small = new int[n];
        int[] large = new int[n];
        int smalls = 0;
        int larges = 0;
        for (int i = 0; i < n; i++) {
            need[i] = weights[i] * n;
            alias[i] = i;
            if (need[i] < total) {
                small[smalls++] = i;
            } else {
                large[larges++] = i;
            }
        }
        while (smalls > 0 && larges > 0) {
            int s = small[--smalls];
            int l = large[larges - 1];
            own[s] = (int) need[s];
            alias[s] = l;
            need[l] -= total - need[s];
            if (need[l] < total) {
                larges--;
                small[smalls++] = l;
            }
        }
        // What is left needs exactly a whole column (the units add up), so it keeps it.
        while (larges > 0) {
            own[large[--larges]] = total;
        }
        while (smalls > 0) {
            own[small[--smalls]] = total;
        }
    }

    @Override
    public Server pick(LoadSignal load, Set<String> avoid) {
        if (!avoid.isEmpty()) {
            return scan.pick(load, avoid);
        }
        int n = servers.length;
        if (n == 1) {
            return servers[0];
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int a = draw(random, n);
        int b = draw(random, n);
        if (a == b) {
            // Same server drawn twice: take its neighbour so two distinct servers are compared.
            b = a + 1 == n ? 0 : a + 1;
        }
        long loadA;
        long loadB;
        int[] counts = loads.counts(load);
        AtomicInteger[] counters;
        if (counts != null) {
            int[] index = loads.index(load);
            loadA = (int) LoadSignal.Slot.COUNTS.getOpaque(counts, index[a]);
            loadB = (int) LoadSignal.Slot.COUNTS.getOpaque(counts, index[b]);
        } else if ((counters = loads.counters(load)) != null) {
            // Opaque, as in LeastConnections: a fresh value without ordering against the other counter.
            loadA = counters[a].getOpaque();
            loadB = counters[b].getOpaque();
        } else {
            IntSupplier[] inFlight = loads.of(load);
            loadA = inFlight[a].getAsInt();
            loadB = inFlight[b].getAsInt();
        }
        return loadB * weights[a] < loadA * weights[b] ? servers[b] : servers[a];
    }

    /** A server index, each with probability {@code weight / total}. */
    private int draw(ThreadLocalRandom random, int n) {
        long r = random.nextLong();
        int column = uniform(random, (int) (r >>> 32), n);
        int unit = uniform(random, (int) r, total);
        return unit < own[column] ? column : alias[column];
    }

    /**
     * {@code bits} (32 random bits) mapped to {@code [0, bound)} by Lemire's multiply-shift; the few values that
     * would make some results more likely than others (fewer than {@code bound} in 2^32) are drawn again.
     */
    private static int uniform(ThreadLocalRandom random, int bits, int bound) {
        long m = (bits & 0xffffffffL) * bound;
        if ((m & 0xffffffffL) < bound) {
            long reject = (1L << 32) % bound;
            while ((m & 0xffffffffL) < reject) {
                m = (random.nextInt() & 0xffffffffL) * bound;
            }
        }
        return (int) (m >>> 32);
    }
}
