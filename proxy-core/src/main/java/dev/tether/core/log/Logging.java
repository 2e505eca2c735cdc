package dev.tether.core.log;

import ch.qos.logback.classic.LoggerContext;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Stops logging at the very end of the process.
 *
 * <p>{@code logback.xml} registers no shutdown hook of its own: JVM hooks run concurrently, so logback's would
 * stop logging while Tether's hook is still draining requests, and their access lines would be lost. Instead the
 * process calls {@link #stop()} last, after the drain.
 */
public final class Logging {

    private Logging() {}

    /** Writes out the access lines still queued in the async appender (up to a second) and stops logback. */
    public static void stop() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context) {
            context.stop();
        }
    }
}
