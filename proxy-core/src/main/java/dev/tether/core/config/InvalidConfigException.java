package dev.tether.core.config;

import java.util.List;

/**
 * A configuration that Tether refuses to start with. Carries every problem found, not only the first, so
 * one run of {@code tether --check} shows everything to fix.
 */
public final class InvalidConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final List<ConfigProblem> problems;

    public InvalidConfigException(String source, List<ConfigProblem> problems) {
        super(format(source, problems));
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    /** The file (or description) that was loaded. */
    public String source() {
        return source;
    }

    /** Every problem, in the order found; never empty. */
    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String format(String source, List<ConfigProblem> problems) {
        StringBuilder b = new StringBuilder()
                .append(source)
                .append(": ")
                .append(problems.size())
                .append(problems.size() == 1 ? " problem" : " problems");
        for (ConfigProblem p : problems) {
            b.append(System.lineSeparator()).append("  ").append(p.message());
        }
        return b.toString();
    }
}
