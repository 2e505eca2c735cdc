package dev.tether.core.log;

import ch.qos.logback.core.OutputStreamAppender;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

/**
 * Writes out an access log appender's buffer every {@code millis}, so a quiet proxy's lines still reach the disk
 * soon while a busy one writes many lines per system call instead of one call (and, on stdout, one flush) per line.
 */
final class PeriodicFlush {

    /** How long a line may wait in the buffer by default. */
    static final long DEFAULT_MILLIS = 100;

    private final ScheduledExecutorService timer;

    private PeriodicFlush(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** Flushes {@code appender}'s stream under {@code lock} (the appender's write lock) every {@code millis}. */
    static PeriodicFlush start(OutputStreamAppender<?> appender, Lock lock, long millis) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tether-access-log-flush");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> flush(appender, lock), millis, millis, TimeUnit.MILLISECONDS);
        return new PeriodicFlush(timer);
    }

    /** Stops the timer; the appender's own stop then writes out what is left when it closes the stream. */
    void stop() {
        timer.shutdownNow();
    }

    private static void flush(OutputStreamAppender<?> appender, Lock lock) {
        lock.lock();
        try {
            OutputStream out = appender.getOutputStream();
            if (out != null && appender.isStarted()) {
                out.flush();
            }
        } catch (IOException e) {
            // Logback's own stream reports (and recovers from) write errors; a timer must not die on one.
            appender.addWarn("access log flush failed: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }
}
