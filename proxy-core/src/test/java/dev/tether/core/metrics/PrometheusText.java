package dev.tether.core.metrics;

import java.util.HashMap;
import java.util.Map;

/** Reads samples back out of Prometheus text exposition, for assertions on exact values. */
public final class PrometheusText {

    private final String text;

    public PrometheusText(String text) {
        this.text = text;
    }

    /**
     * The value of the sample {@code name} whose labels are exactly {@code labels} (given as name, value pairs),
     * or {@code null} when there is no such sample.
     */
    public Double value(String name, String... labels) {
        Map<String, String> wanted = new HashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String sampleName = brace >= 0 ? line.substring(0, brace) : line.substring(0, space);
            if (!sampleName.equals(name)) {
                continue;
            }
            Map<String, String> got = new HashMap<>();
            if (brace >= 0) {
                String body = line.substring(brace + 1, line.lastIndexOf('}'));
                for (String pair : body.split(",(?=[a-zA-Z_]+=\")")) {
                    int eq = pair.indexOf('=');
                    got.put(pair.substring(0, eq), pair.substring(eq + 2, pair.length() - 1));
                }
            }
            if (got.equals(wanted)) {
                return Double.parseDouble(line.substring(space + 1));
            }
        }
        return null;
    }

    /** Whether any sample line starts with {@code prefix} (name and opening labels). */
    public boolean has(String prefix) {
        for (String line : text.split("\n")) {
            if (line.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return text;
    }
}
