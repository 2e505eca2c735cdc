package dev.tether.routing.balance;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Slow start of one server that came back up, after HAProxy's {@code slowstart}: a fresh server (cold caches, JIT,
 * empty connection pools) takes a share of new sessions that grows linearly from nothing to its full share over the
 * ramp, instead of its full share at once. With least-connections, where an empty server would otherwise draw every
 * new session, this is what keeps it from being flooded.
 *
 * <p>How: the router counts every pick of the backend while the ramp runs ({@link #countPick}). The balancer picks
 * as usual; when it picks the ramping server, {@link #admit} says whether the server takes the session or the
 * balancer picks again without it. Of {@code n} picks made {@code t} into a ramp of {@code d}, the server takes at
 * most {@code ceil(n * share * t / d)}, {@code share} being its weight over the weights of the usable servers: its
 * weighted share scaled by {@code t / d}, whatever the algorithm, weight 1 included (a table recompiled with
 * scaled weights could not ramp a weight of 1). The first pick after the ramp started is admitted, so real traffic
 * probes the server at once. Deterministic (counters, no randomness), lock-free; threads racing on the counters may
 * admit one session each beyond the bound.
 *
 * <p>Limits: the admitted count is over the whole ramp, so after a quiet spell the server may catch up at once (never
 * beyond its balanced share); it applies to balanced picks (new sessions, redispatches), not to sticky sessions or
 * pinned requests.
 */
public final class SlowStart {

    private final long startMillis;
    private final long durationMillis;
    private final AtomicLong picks = new AtomicLong();
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

    /** Counts one pick of the backend, whichever server it went to. */
    public void countPick() {
        picks.incrementAndGet();
    }

    /**
     * Whether the server takes the session it was just picked for; always true once the ramp is over.
     *
     * @param nowMillis the router's clock
     * @param share the server's weight over the weights of the backend's usable servers, 0..1
     */
    public boolean admit(long nowMillis, double share) {
        long elapsed = nowMillis - startMillis;
        if (elapsed >= durationMillis) {
            return true;
        }
        if (elapsed > 0 && admitted.get() < share * picks.get() * elapsed / durationMillis) {
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
