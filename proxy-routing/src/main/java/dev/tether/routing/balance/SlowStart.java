package dev.tether.routing.balance;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Slow start of one server that came back up, after HAProxy's {@code slowstart}: a fresh server (cold caches, JIT,
 * empty connection pools) takes a share of new sessions that grows linearly from nothing to its full share over the
 * ramp, instead of its full share at once. With least-connections, where an empty server would otherwise draw every
 * new session, this is what keeps it from being flooded.
 *
 * <p>How: every pick of the backend while the ramp runs gives the server an allowance of {@code share * t / d}
 * of a session ({@link #countPick}), {@code share} being its weight over the weights of the usable servers and
 * {@code t / d} how far the ramp is. The balancer picks as usual; when it picks the ramping server, {@link #admit}
 * lets it take the session only while the sessions it took stay below its allowance, else the balancer picks again
 * without it. So at any moment it takes about {@code t / d} of its weighted share, whatever the algorithm and the
 * weights, weight 1 included (a table recompiled with scaled weights could not ramp a weight of 1); and over any
 * stretch it has taken at most its allowance plus one. The first pick after the ramp started is admitted, so real
 * traffic probes the server at once. Deterministic (counters, no randomness), lock-free; threads racing on the
 * counters may admit one session each beyond the bound.
 *
 * <p>Limits: an allowance not used (the balancer did not pick the server, say with least-connections while it was
 * busy) is kept for later, never beyond the server's balanced share; it applies to balanced picks (new sessions,
 * redispatches), not to sticky sessions or pinned requests.
 */
public final class SlowStart {

    private final long startMillis;
    private final long durationMillis;
    // In millionths of a session.
    private final AtomicLong allowance = new AtomicLong();
    private final AtomicLong admitted = new AtomicLong();

    /**
     * @param startMillis when the server came up (epoch milliseconds, the router's clock)
     * @param durationMillis length of the ramp, above 0
     */
    public SlowStart(long startMillis, long durationMillis) {
        if (durationMillis <= 0) {
            throw new IllegalArgumentException("slow start of " + durationMillis + " ms (expected above 0)");
        }
        this.startMillis = startMillis;
        this.durationMillis = durationMillis;
    }

    /**
     * Counts one pick of the backend, whichever server it goes to: the server's allowance grows by its share of it.
     *
     * @param nowMillis the router's clock
     * @param share the server's weight over the weights of the backend's usable servers, 0..1
     */
    public void countPick(long nowMillis, double share) {
        long elapsed = nowMillis - startMillis;
        if (elapsed > 0 && elapsed < durationMillis) {
            allowance.addAndGet((long) (share * elapsed / durationMillis * 1_000_000));
        }
    }

    /** Whether the server takes the session it was just picked for; always true once the ramp is over. */
    public boolean admit(long nowMillis) {
        long elapsed = nowMillis - startMillis;
        if (elapsed >= durationMillis) {
            return true;
        }
        if (elapsed > 0 && admitted.get() * 1_000_000 < allowance.get()) {
            admitted.incrementAndGet();
            return true;
        }
        return false;
    }

    /** Whether the ramp is over at {@code nowMillis}. */
    public boolean over(long nowMillis) {
        return nowMillis - startMillis >= durationMillis;
    }

    /** The fraction of its full share the server takes at {@code nowMillis}, 0..1, for the stats. */
    public double share(long nowMillis) {
        long elapsed = nowMillis - startMillis;
        return elapsed <= 0 ? 0 : Math.min(1.0, (double) elapsed / durationMillis);
    }

    public long startMillis() {
        return startMillis;
    }

    public long durationMillis() {
        return durationMillis;
    }
}
