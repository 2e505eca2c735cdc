package dev.tether.core.metrics;

import io.micrometer.core.instrument.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The registry's clock: wall time read from a field a daemon thread refreshes every {@value #TICK_MILLIS} ms, and
 * the real {@link System#nanoTime()}.
 *
 * <p>Why: every {@code Timer.record} reads the wall clock twice, to decide whether to rotate the window of its
 * {@code _max} gauge and of its histogram (micrometer's {@code TimeWindowMax}, {@code TimeWindowFixedBoundaryHistogram}).
 * Two timers per exchange make four {@code System.currentTimeMillis()} calls, 20 to 90 ns each on a virtual
 * machine: most of what request metrics cost. The timers only compare that time with rotation points 40 s apart
 * (the histogram's are years apart), so a time up to a few milliseconds old changes no count, sum or bucket, and
 * moves a {@code _max} window edge by at most one tick. Nothing measures a duration with it: exchange timings come
 * from {@code System.nanoTime()} in the forwarding code.
 */
final class CoarseClock implements Clock {

    static final long TICK_MILLIS = 10;

    static final CoarseClock INSTANCE = new CoarseClock();

    private volatile long wallMillis = System.currentTimeMillis();

    private CoarseClock() {
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tether-metrics-clock");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(() -> wallMillis = System.currentTimeMillis(), TICK_MILLIS, TICK_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    @Override
    public long wallTime() {
        return wallMillis;
    }

    @Override
    public long monotonicTime() {
        return System.nanoTime();
    }
}
