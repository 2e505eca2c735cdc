package dev.tether.routing.balance;

import dev.tether.routing.LoadSignal;
import dev.tether.routing.model.Server;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Weighted round-robin with nginx's smooth interleaving, precomputed.
 *
 * <p>nginx's algorithm adds every server's weight to its running score, picks the highest score and subtracts the
 * total weight from it; with weights 5,1,1 it yields {@code a a b a c a a} rather than {@code a a a a a b c}. The
 * sequence repeats after (total weight / gcd) picks, so it is computed once here and a shared atomic counter walks
 * it: no lock, no allocation, exact shares over every cycle. The cycle is at most 256 entries per server.
 */
public final class SmoothWeightedRoundRobin implements LoadBalancer {

    private final Server[] schedule;
    private final AtomicLong next = new AtomicLong();

    /** @param servers usable servers, each with weight above 0 */
    public SmoothWeightedRoundRobin(List<Server> servers) {
        int n = servers.size();
        int[] weights = new int[n];
        int gcd = 0;
        for (int i = 0; i < n; i++) {
            weights[i] = servers.get(i).config().weight();
            gcd = gcd(gcd, weights[i]);
        }
        int total = 0;
        for (int i = 0; i < n; i++) {
            weights[i] /= gcd;
            total += weights[i];
        }
        schedule = new Server[total];
        long[] current = new long[n];
        for (int k = 0; k < total; k++) {
            int best = 0;
            for (int i = 0; i < n; i++) {
                current[i] += weights[i];
                if (current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            schedule[k] = servers.get(best);
        }
    }

    @Override
    public Server pick(LoadSignal load, Set<String> avoid) {
        int len = schedule.length;
        int start = (int) Math.floorMod(next.getAndIncrement(), (long) len);
        Server s = schedule[start];
        if (avoid.isEmpty()) {
            return s;
        }
        for (int k = 0; k < len; k++) {
            s = schedule[(start + k) % len];
            if (!avoid.contains(s.id())) {
                return s;
            }
        }
        return null;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
