package dev.tether.core.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;

/**
 * Access lines on stdout, written in batches: up to {@code bufferSize} bytes (default 64 KB) of whole lines per
 * system call, and at the latest every {@code flushMillis} (default 100 ms).
 *
 * <p>{@code ConsoleAppender} writes through {@code System.out}, which flushes (one {@code write} call) after every
 * line; at tens of thousands of requests per second that was most of the access log's cost. The buffer only ever
 * holds whole lines and is written with one call, so lines from the application's own console appender land between
 * access lines, never inside one.
 */
public class BufferedStdoutAppender extends OutputStreamAppender<ILoggingEvent> {

    private int bufferSize = 64 * 1024;
    private long flushMillis = PeriodicFlush.DEFAULT_MILLIS;
    private PeriodicFlush flush;

    public void setBufferSize(int bufferSize) {
        this.bufferSize = bufferSize;
    }

    public void setFlushMillis(long flushMillis) {
        this.flushMillis = flushMillis;
    }

    @Override
    public void start() {
        setImmediateFlush(false);
        // FileDescriptor.out, not System.out: System.out flushes after each write.
        setOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), bufferSize) {
            @Override
            public void close() {
                // stdout stays open for the rest of the process: write out what is buffered, keep the descriptor.
                try {
                    flush();
                } catch (java.io.IOException e) {
                    addWarn("access log flush to stdout failed: " + e.getMessage(), e);
                }
            }
        });
        super.start();
        flush = PeriodicFlush.start(this, streamWriteLock, flushMillis);
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
