package dev.tether.core.config;

/**
 * One thing wrong with a configuration, phrased so that an operator can fix it without reading code:
 * {@code conf/backends.conf:14: tether.backends.app.servers[2].weight = -1 (expected an integer 0..256)}.
 *
 * @param location {@code file:line} where the value (or the object missing a key) is written
 * @param path the full key path, {@code tether.backends.app.servers[2].weight}; empty for a syntax error
 * @param value the offending value as written, or {@code null} when the key is missing
 * @param expected what is accepted or what to write instead
 */
public record ConfigProblem(String location, String path, String value, String expected) {

    /** The one-line message. */
    public String message() {
        StringBuilder b = new StringBuilder(location).append(": ");
        if (path.isEmpty()) {
            return b.append(expected).toString();
        }
        b.append(path);
        if (value != null) {
            b.append(" = ").append(value);
        }
        return b.append(" (").append(expected).append(')').toString();
    }

    @Override
    public String toString() {
        return message();
    }
}
