package dev.tether.bench.harness;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Renders measurements as one Markdown table: a row per scenario and contestant with medians over the runs, the
 * spread of the two headline figures, and ratios to HAProxy in the same scenario.
 *
 * <p>Ratios: {@code ×HAProxy req/s} and {@code ×HAProxy req/CPU-s} are higher-is-better, {@code ×HAProxy p99} is
 * lower-is-better. They compare medians; a ratio whose two spreads overlap it says little.
 */
public final class ResultTable {

    static final String HEADER = "| scenario | contestant | runs | req/s | spread | p50 ms | p99 ms | p99.9 ms | errors"
            + " | proxy CPU | req per proxy CPU-s | spread | ×HAProxy req/s | ×HAProxy req/CPU-s | ×HAProxy p99"
            + " | sticky violations |";

    private ResultTable() {}

    /** One row's figures, exposed for tests and for callers that want numbers rather than text. */
    public record Row(
            String scenario,
            Contestant contestant,
            int runs,
            Sample requestsPerSecond,
            double p50Micros,
            double p99Micros,
            double p999Micros,
            long errors,
            double cpuUtilisation,
            Sample requestsPerCpuSecond,
            long violations) {}

    /** Rows in scenario order of first appearance, contestants in {@link Contestant} order. */
    public static List<Row> rows(List<Measurement> measurements) {
        Map<String, Map<Contestant, List<Measurement>>> grouped = new LinkedHashMap<>();
        for (Measurement m : measurements) {
            grouped.computeIfAbsent(m.scenario(), k -> new EnumMap<>(Contestant.class))
                    .computeIfAbsent(m.contestant(), k -> new ArrayList<>())
                    .add(m);
        }
        List<Row> rows = new ArrayList<>();
        grouped.forEach((scenario, byContestant) -> byContestant.forEach((contestant, runs) -> {
            long errors = 0;
            long violations = -1;
            for (Measurement m : runs) {
                errors += m.result().errors();
                if (m.result().violations() >= 0) {
                    violations = Math.max(violations, 0) + m.result().violations();
                }
            }
            rows.add(new Row(
                    scenario,
                    contestant,
                    runs.size(),
                    sample(runs, m -> m.result().requestsPerSecond()),
                    sample(runs, m -> m.result().p50Micros()).median(),
                    sample(runs, m -> m.result().p99Micros()).median(),
                    sample(runs, m -> m.result().p999Micros()).median(),
                    errors,
                    sample(runs, Measurement::cpuUtilisation).median(),
                    sample(runs, Measurement::requestsPerCpuSecond),
                    violations));
        }));
        return rows;
    }

    public static String render(List<Measurement> measurements) {
        List<Row> rows = rows(measurements);
        Map<String, Row> haproxy = new LinkedHashMap<>();
        for (Row r : rows) {
            if (r.contestant() == Contestant.HAPROXY) {
                haproxy.put(r.scenario(), r);
            }
        }
        StringBuilder b = new StringBuilder();
        b.append(HEADER).append('\n');
        b.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (Row r : rows) {
            Row h = haproxy.get(r.scenario());
            b.append("| ").append(r.scenario())
                    .append(" | ").append(r.contestant().label())
                    .append(" | ").append(r.runs())
                    .append(" | ").append(count(r.requestsPerSecond().median()))
                    .append(" | ").append(percent(r.requestsPerSecond().spread()))
                    .append(" | ").append(millis(r.p50Micros()))
                    .append(" | ").append(millis(r.p99Micros()))
                    .append(" | ").append(millis(r.p999Micros()))
                    .append(" | ").append(r.errors())
                    .append(" | ").append(percentOfCore(r.cpuUtilisation()))
                    .append(" | ").append(count(r.requestsPerCpuSecond().median()))
                    .append(" | ").append(percent(r.requestsPerCpuSecond().spread()))
                    .append(" | ").append(ratio(r.requestsPerSecond().median(), h == null ? Double.NaN
                            : h.requestsPerSecond().median()))
                    .append(" | ").append(ratio(r.requestsPerCpuSecond().median(), h == null ? Double.NaN
                            : h.requestsPerCpuSecond().median()))
                    .append(" | ").append(ratio(r.p99Micros(), h == null ? Double.NaN : h.p99Micros()))
                    .append(" | ").append(r.violations() < 0 ? "–" : Long.toString(r.violations()))
                    .append(" |\n");
        }
        return b.toString();
    }

    /**
     * Issue 8's targets, one line each, for the scenarios that ran: on keep-alive small responses Tether at least
     * 0.8 × HAProxy's requests per proxy CPU-second, and at the same offered load ({@code fixed-rate-sticky}) a p99
     * no more than 1.5 × HAProxy's.
     */
    public static List<String> targets(List<Measurement> measurements) {
        Map<String, Map<Contestant, Row>> byScenario = new LinkedHashMap<>();
        for (Row r : rows(measurements)) {
            byScenario.computeIfAbsent(r.scenario(), k -> new EnumMap<>(Contestant.class)).put(r.contestant(), r);
        }
        List<String> lines = new ArrayList<>();
        Map<Contestant, Row> headline = byScenario.get("keepalive-small");
        if (headline != null && headline.containsKey(Contestant.TETHER) && headline.containsKey(Contestant.HAPROXY)) {
            double ratio = headline.get(Contestant.TETHER).requestsPerCpuSecond().median()
                    / headline.get(Contestant.HAPROXY).requestsPerCpuSecond().median();
            lines.add(verdict("keepalive-small: Tether req per proxy CPU-s", ratio, "≥", 0.8, ratio >= 0.8));
        }
        Map<Contestant, Row> fixed = byScenario.get("fixed-rate-sticky");
        if (fixed != null && fixed.containsKey(Contestant.TETHER) && fixed.containsKey(Contestant.HAPROXY)) {
            double ratio = fixed.get(Contestant.TETHER).p99Micros() / fixed.get(Contestant.HAPROXY).p99Micros();
            lines.add(verdict("fixed-rate-sticky: Tether p99", ratio, "≤", 1.5, ratio <= 1.5));
        }
        return lines;
    }

    private static String verdict(String what, double ratio, String op, double target, boolean met) {
        return String.format(Locale.ROOT, "%s = %.2f × HAProxy (target %s %.1f): %s", what, ratio, op, target,
                Double.isNaN(ratio) ? "not measured" : met ? "met" : "MISSED");
    }

    private static Sample sample(List<Measurement> runs, ToDoubleFunction<Measurement> figure) {
        List<Double> values = new ArrayList<>();
        for (Measurement m : runs) {
            values.add(figure.applyAsDouble(m));
        }
        return Sample.of(values);
    }

    static String count(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%,.0f", v);
    }

    static String millis(double micros) {
        return Double.isNaN(micros) ? "–" : String.format(Locale.ROOT, "%.2f", micros / 1000);
    }

    static String percent(double fraction) {
        return Double.isNaN(fraction) ? "–" : String.format(Locale.ROOT, "%.1f%%", fraction * 100);
    }

    static String percentOfCore(double fraction) {
        return Double.isNaN(fraction) ? "–" : String.format(Locale.ROOT, "%.0f%%", fraction * 100);
    }

    static String ratio(double value, double reference) {
        if (Double.isNaN(value) || Double.isNaN(reference) || reference == 0) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.2f", value / reference);
    }
}
