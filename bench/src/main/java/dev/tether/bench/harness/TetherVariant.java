package dev.tether.bench.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * One way of running Tether in a comparison: with or without request metrics ({@code -Dtether.metrics=off}) and
 * with the access log off, on stdout or in a file ({@code -Dtether.access.log}). {@code bench/run.sh --metrics
 * on,off --access-log off,stdout} starts one Tether per variant and measures them interleaved, as separate
 * contestants, so the cost of a feature is read from one run on one machine state.
 *
 * <p>Labels: the default ({@code tether}: metrics on, access log off, what the other proxies do) keeps the plain
 * name; others add {@code -nometrics} and {@code -log-stdout} or {@code -log-file}, in that order.
 */
public record TetherVariant(boolean metrics, AccessLog accessLog) {

    /** What every comparison ran before variants existed: metrics on, no access log (no contestant logs). */
    public static final TetherVariant DEFAULT = new TetherVariant(true, AccessLog.OFF);

    /** Report order: the default first, then metrics off, then the access log targets. */
    static final Comparator<TetherVariant> ORDER = Comparator.comparing((TetherVariant v) -> !v.metrics())
            .thenComparing(TetherVariant::accessLog);

    /** Where access log lines go, as {@code -Dtether.access.log} says. */
    public enum AccessLog {
        OFF,
        STDOUT,
        FILE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        static AccessLog parse(String value) {
            for (AccessLog a : values()) {
                if (a.label().equals(value.trim().toLowerCase(Locale.ROOT))) {
                    return a;
                }
            }
            throw new IllegalArgumentException("--access-log " + value + " (expected off, stdout or file)");
        }
    }

    public String label() {
        return Contestant.TETHER.label() + (metrics ? "" : "-nometrics")
                + (accessLog == AccessLog.OFF ? "" : "-log-" + accessLog.label());
    }

    /**
     * JVM options that make Tether run as this variant. A file access log goes to {@code logDir/access-LABEL.log};
     * "stdout" goes wherever run.sh sends Tether's output (a file in the run's folder).
     */
    public String javaOptions(Path logDir) {
        StringBuilder b = new StringBuilder("-Dtether.access.log=").append(accessLog.label());
        if (accessLog == AccessLog.FILE) {
            b.append(" -Dtether.access.file=").append(logDir.resolve("access-" + label() + ".log"));
        }
        if (!metrics) {
            b.append(" -Dtether.metrics=off");
        }
        return b.toString();
    }

    public TetherVariant withMetrics(boolean on) {
        return new TetherVariant(on, accessLog);
    }

    public TetherVariant withAccessLog(AccessLog target) {
        return new TetherVariant(metrics, target);
    }

    /**
     * The variant this one is compared with, differing in one feature: a variant without metrics against the same
     * one with metrics (the cost of metrics), a variant with an access log against the same one without (the cost of
     * the log). Null for the default.
     */
    public TetherVariant reference() {
        if (!metrics) {
            return withMetrics(true);
        }
        return accessLog == AccessLog.OFF ? null : withAccessLog(AccessLog.OFF);
    }

    /**
     * Every combination of {@code --metrics} ({@code on}, {@code off}) and {@code --access-log} ({@code off},
     * {@code stdout}, {@code file}) values, comma-separated, in report order, without repeats.
     */
    public static List<TetherVariant> combinations(String metricsCsv, String accessLogCsv) {
        List<TetherVariant> out = new ArrayList<>();
        for (String m : nonEmpty(metricsCsv, "--metrics")) {
            boolean on = switch (m.trim().toLowerCase(Locale.ROOT)) {
                case "on" -> true;
                case "off" -> false;
                default -> throw new IllegalArgumentException("--metrics " + m + " (expected on or off)");
            };
            for (String a : nonEmpty(accessLogCsv, "--access-log")) {
                TetherVariant v = new TetherVariant(on, AccessLog.parse(a));
                if (!out.contains(v)) {
                    out.add(v);
                }
            }
        }
        out.sort(ORDER);
        return out;
    }

    /** The variant a label names ({@code tether}, {@code tether-nometrics-log-file}, ...). */
    public static TetherVariant parseLabel(String label) {
        String rest = label.trim().toLowerCase(Locale.ROOT);
        String prefix = Contestant.TETHER.label();
        if (!rest.startsWith(prefix)) {
            throw new IllegalArgumentException("'" + label + "' is not a Tether variant");
        }
        rest = rest.substring(prefix.length());
        boolean metrics = true;
        if (rest.startsWith("-nometrics")) {
            metrics = false;
            rest = rest.substring("-nometrics".length());
        }
        AccessLog log = AccessLog.OFF;
        if (rest.startsWith("-log-")) {
            log = AccessLog.parse(rest.substring("-log-".length()));
            if (log == AccessLog.OFF) {
                throw new IllegalArgumentException("'" + label + "' is not a Tether variant (write tether)");
            }
        } else if (!rest.isEmpty()) {
            throw new IllegalArgumentException("'" + label + "' is not a Tether variant"
                    + " (expected tether[-nometrics][-log-stdout|-log-file])");
        }
        return new TetherVariant(metrics, log);
    }

    private static List<String> nonEmpty(String csv, String option) {
        List<String> values = new ArrayList<>();
        for (String s : csv.split(",")) {
            if (!s.isBlank()) {
                values.add(s);
            }
        }
        if (values.isEmpty()) {
            throw new IllegalArgumentException(option + " needs at least one value");
        }
        return values;
    }
}
