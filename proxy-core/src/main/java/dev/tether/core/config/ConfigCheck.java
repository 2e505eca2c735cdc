package dev.tether.core.config;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code tether --check FILE}: validates a configuration without starting anything.
 *
 * <p>Prints {@code OK: FILE} and the {@link ConfigSummary} to {@code out} and returns 0, or prints every problem
 * (one per line, {@code file:line: key = value (expected ...)}) to {@code err} and returns {@link #EXIT_INVALID}.
 * A valid configuration with {@link ConfigLoader#warnings warnings} still returns 0; each is printed to {@code err}
 * as {@code WARNING: backend app: ...}.
 */
public final class ConfigCheck {

    /** Exit status for an invalid configuration, for {@code --check} and for a refused start alike. */
    public static final int EXIT_INVALID = 2;

    private ConfigCheck() {}

    public static int run(Path file, PrintStream out, PrintStream err) {
        ProxyConfig config;
        try {
            config = ConfigLoader.load(file);
        } catch (InvalidConfigException e) {
            err.println(e.getMessage());
            return EXIT_INVALID;
        }
        out.println("OK: " + file);
        out.print(ConfigSummary.describe(config));
        // Valid but likely wrong: said, yet not refused, as startup logs and accepts them too.
        for (String warning : ConfigLoader.warnings(config)) {
            err.println("WARNING: " + warning);
        }
        return 0;
    }
}
