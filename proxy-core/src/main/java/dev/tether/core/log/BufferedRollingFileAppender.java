package dev.tether.core.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.RollingFileAppender;

/**
 * A {@link RollingFileAppender} that writes its buffer ({@code bufferSize}, whole lines) when it fills and at the
 * latest every {@code flushMillis} (default 100 ms), instead of one {@code write} call per line as with
 * {@code immediateFlush}. Rotation is logback's: it takes the same write lock and closes (so flushes) the old file.
 */
public class BufferedRollingFileAppender extends RollingFileAppender<ILoggingEvent> {

    private long flushMillis = PeriodicFlush.DEFAULT_MILLIS;
    private PeriodicFlush flush;

    public void setFlushMillis(long flushMillis) {
        this.flushMillis = flushMillis;
    }

    @Override
    public void start() {
        setImmediateFlush(false);
        super.start();
        if (isStarted()) {
            flush = PeriodicFlush.start(this, streamWriteLock, flushMillis);
        }
    }

    @Override
    public void stop() {
        if (flush != null) {
            flush.stop();
            flush = null;
        }
        super.stop();
    }
}
