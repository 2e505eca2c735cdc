package dev.tether.health;

import java.time.Duration;

/**
 * Weight ramp for a server that just came back up, after HAProxy's {@code slowstart}: a fresh server (cold
 * caches, JIT, connection pools) gets a share of new sessions that grows linearly from near zero to its
 * configured weight over {@code duration}, instead of its full share at once.
 *
 * <p>The weight at time {@code t} after coming up is {@code ceil(weight * t / duration)}, at least 1 so the
 * server is probed by real traffic, and exactly {@code weight} from {@code duration} on. A weight of 0 stays 0.
 * Pure: time comes in as {@code System.nanoTime()}-style readings (an injected ticker).
 *
 * <p>The ramp only changes the weight given to the balancer; whoever builds the routing table re-reads it
 * while {@link #ramping} is true (a tick of a second or so is enough) and stops afterwards.
 */
public final class SlowStart {

    private SlowStart() {}

    /**
     * The weight a server should have now.
     *
     * @param configuredWeight the server's weight once fully warmed up, 0..256
     * @param upSinceNanos ticker reading when the server came up
     * @param nowNanos ticker reading now
     * @param duration length of the ramp; zero or negative means no ramp
     */
    public static int weightAt(int configuredWeight, long upSinceNanos, long nowNanos, Duration duration) {
        if (configuredWeight <= 0) {
            return 0;
        }
        long total = duration.toNanos();
        long elapsed = nowNanos - upSinceNanos;
        if (total <= 0 || elapsed >= total) {
            return configuredWeight;
        }
        if (elapsed <= 0) {
            return 1;
        }
        // ceil(weight * elapsed / total) without overflow: weight <= 256 and elapsed < total.
        double share = (double) configuredWeight * elapsed / total;
        return (int) Math.max(1, Math.min(configuredWeight, Math.ceil(share)));
    }

    /** Whether a server that came up at {@code upSinceNanos} is still below its configured weight. */
    public static boolean ramping(long upSinceNanos, long nowNanos, Duration duration) {
        return nowNanos - upSinceNanos < duration.toNanos();
    }
}
