package dev.tether.core.config;

import com.typesafe.config.ConfigOrigin;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects {@link ConfigProblem}s while a configuration is bound, so that loading reports all of them at once.
 *
 * <p>A value inherited from a defaults section (say {@code listener-defaults.client-timeout}) is read once per
 * listener; the same mistake at the same place is reported once, under the path where it was first seen.
 * {@link #reported()} still counts every report, so a binder can tell that what it just read is unusable.
 */
final class Problems {

    private final List<ConfigProblem> problems = new ArrayList<>();
    private final Set<String> seen = new HashSet<>();
    private int reported;

    void add(ConfigOrigin origin, String path, String value, String expected) {
        add(new ConfigProblem(location(origin), path, value, expected));
    }

    void add(ConfigProblem problem) {
        reported++;
        if (seen.add(problem.location() + '\u0000' + problem.value() + '\u0000' + problem.expected())) {
            problems.add(problem);
        }
    }

    /** How many problems were reported so far, duplicates included. */
    int reported() {
        return reported;
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    /** The distinct problems, by file and line (a stable sort: the order found within a line). */
    List<ConfigProblem> list() {
        List<ConfigProblem> sorted = new ArrayList<>(problems);
        sorted.sort(Comparator.comparing((ConfigProblem p) -> file(p.location())).thenComparingInt(p -> line(p.location())));
        return List.copyOf(sorted);
    }

    private static String file(String location) {
        int colon = location.lastIndexOf(':');
        return colon >= 0 && line(location) >= 0 ? location.substring(0, colon) : location;
    }

    private static int line(String location) {
        int colon = location.lastIndexOf(':');
        if (colon < 0) {
            return -1;
        }
        try {
            return Integer.parseInt(location.substring(colon + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * {@code file:line} for an origin. typesafe-config describes merged objects as {@code merge of a: 3,b: 7};
     * the first part is where the user wrote it.
     */
    static String location(ConfigOrigin origin) {
        if (origin == null) {
            return "(unknown)";
        }
        String where = origin.filename();
        if (where == null) {
            where = origin.resource();
        }
        if (where == null) {
            where = origin.description();
            if (where.startsWith("merge of ")) {
                where = where.substring("merge of ".length());
                int comma = where.indexOf(',');
                where = comma >= 0 ? where.substring(0, comma) : where;
            }
            // a description carries its own ": line" suffix, or "lines 3-7"
            int colon = where.lastIndexOf(": ");
            if (colon >= 0) {
                where = where.substring(0, colon);
            }
            if (where.startsWith("String: ")) {
                where = "string";
            }
        }
        int line = origin.lineNumber();
        return line >= 0 ? where + ":" + line : where;
    }
}
