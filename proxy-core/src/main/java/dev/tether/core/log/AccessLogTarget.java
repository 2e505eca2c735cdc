package dev.tether.core.log;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Where access log lines go: the same three choices as {@code -Dtether.access.log}, for code that reads them from
 * the configuration file after logging has started.
 *
 * <p>{@link #apply} reloads the shipped {@code logback.xml} with the choice set, unless the operator pointed
 * {@code -Dlogback.configurationFile} at a file of their own, which then wins.
 */
public enum AccessLogTarget {
    /** One line per exchange on stdout. */
    STDOUT("stdout"),
    /** A file rolled daily and at 100 MB, gzipped, 14 days and 5 GB kept. */
    FILE("file"),
    /** Not formatted at all. */
    OFF("off");

    private final String value;

    AccessLogTarget(String value) {
        this.value = value;
    }

    /** The value of {@code -Dtether.access.log} for this target. */
    public String value() {
        return value;
    }

    /**
     * {@code stdout}, {@code file} or {@code off}, any case.
     *
     * @throws IllegalArgumentException naming the value and what is accepted
     */
    public static AccessLogTarget parse(String text) {
        for (AccessLogTarget t : values()) {
            if (t.value.equalsIgnoreCase(text == null ? "" : text.strip())) {
                return t;
            }
        }
        throw new IllegalArgumentException("access log = " + text + " (expected stdout, file or off)");
    }

    /**
     * Sends access lines of the process-wide logback context to this target ({@code file} is used by
     * {@link #FILE} only). Returns {@code false} and changes nothing when {@code -Dlogback.configurationFile} is set.
     */
    public boolean apply(Path file) {
        if (System.getProperty("logback.configurationFile") != null) {
            return false;
        }
        apply((LoggerContext) LoggerFactory.getILoggerFactory(), file);
        return true;
    }

    /** Reloads the shipped {@code logback.xml} into {@code context} with this target. */
    public void apply(LoggerContext context, Path file) {
        URL config = AccessLogTarget.class.getResource("/logback.xml");
        if (config == null) {
            throw new IllegalStateException("logback.xml is missing from the classpath");
        }
        context.reset();
        context.putProperty("tether.access.log", value);
        if (file != null) {
            context.putProperty("tether.access.file", file.toString());
        }
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(config);
        } catch (JoranException e) {
            throw new IllegalStateException("cannot reload logback.xml for access log " + value + ": " + e.getMessage(),
                    e);
        }
    }
}
