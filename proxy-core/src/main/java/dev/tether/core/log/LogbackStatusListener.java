package dev.tether.core.log;

import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusListener;
import java.io.PrintStream;

/**
 * Prints logback's own warnings and errors (a bad pattern, an unwritable access log file) to stderr, except the
 * "appender not referenced" warning: {@code logback.xml} defines one access log destination per
 * {@code tether.access.log} value and references only the chosen one, so the others are unreferenced on purpose.
 *
 * <p>Registering any status listener keeps logback from dumping its whole status list at startup whenever a
 * warning occurred, which these expected warnings would otherwise trigger on every start.
 */
public final class LogbackStatusListener implements StatusListener {

    private final PrintStream out;

    public LogbackStatusListener() {
        this(System.err);
    }

    LogbackStatusListener(PrintStream out) {
        this.out = out;
    }

    @Override
    public void addStatusEvent(Status status) {
        if (shown(status)) {
            out.println("logback: " + status);
            if (status.getThrowable() != null) {
                status.getThrowable().printStackTrace(out);
            }
        }
    }

    /** Whether {@code status} is worth an operator's attention. */
    public static boolean shown(Status status) {
        return status.getLevel() >= Status.WARN
                && !(status.getMessage() != null && status.getMessage().endsWith("not referenced. Skipping further processing."));
    }
}
