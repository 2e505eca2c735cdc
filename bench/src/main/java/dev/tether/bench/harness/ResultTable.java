package dev.tether.bench.harness;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
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
            String label,
            int runs,
            Sample requestsPerSecond,
            double p50Micros,
            double p99Micros,
            double p999Micros,
            long errors,
            double cpuUtilisation,
            Sample requestsPerCpuSecond,
            long violations) {}

    /**
     * Rows in scenario order of first appearance, contestants in {@link Contestant} order, a contestant's variants
     * (Tether with metrics off, with an access log) after it in {@link TetherVariant#ORDER}.
     */
    public static List<Row> rows(List<Measurement> measurements) {
        Map<String, Map<String, List<Measurement>>> grouped = new LinkedHashMap<>();
        for (Measurement m : measurements) {
            grouped.computeIfAbsent(m.scenario(), k -> new TreeMap<>(LABEL_ORDER))
                    .computeIfAbsent(m.label(), k -> new ArrayList<>())
                    .add(m);
        }
        List<Row> rows = new ArrayList<>();
        grouped.forEach((scenario, byLabel) -> byLabel.forEach((label, runs) -> {
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
                    runs.get(0).contestant(),
                    label,
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

    private static final Comparator<String> LABEL_ORDER = Comparator.comparing(Contestant::ofLabel)
            .thenComparing(l -> Contestant.ofLabel(l) == Contestant.TETHER ? TetherVariant.parseLabel(l)
                    : TetherVariant.DEFAULT, TetherVariant.ORDER);

    public static String render(List<Measurement> measurements) {
        List<Row> rows = rows(measurements);
        Map<String, Row> haproxy = new LinkedHashMap<>();
        for (Row r : rows) {
            if (r.label().equals(Contestant.HAPROXY.label())) {
                haproxy.put(r.scenario(), r);
            }
        }
        StringBuilder b = new StringBuilder();
        b.append(HEADER).append('\n');
        b.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (Row r : rows) {
            Row h = haproxy.get(r.scenario());
            b.append("| ").append(r.scenario())
                    .append(" | ").append(r.label())
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
        Map<String, Map<String, Row>> byScenario = byScenario(measurements);
        String tether = Contestant.TETHER.label();
        String haproxy = Contestant.HAPROXY.label();
        List<String> lines = new ArrayList<>();
        Map<String, Row> headline = byScenario.get("keepalive-small");
        if (headline != null && headline.containsKey(tether) && headline.containsKey(haproxy)) {
            double ratio = headline.get(tether).requestsPerCpuSecond().median()
                    / headline.get(haproxy).requestsPerCpuSecond().median();
            lines.add(verdict("keepalive-small: Tether req per proxy CPU-s", ratio, "≥", 0.8, ratio >= 0.8));
        }
        Map<String, Row> fixed = byScenario.get("fixed-rate-sticky");
        if (fixed != null && fixed.containsKey(tether) && fixed.containsKey(haproxy)) {
            double ratio = fixed.get(tether).p99Micros() / fixed.get(haproxy).p99Micros();
            lines.add(verdict("fixed-rate-sticky: Tether p99", ratio, "≤", 1.5, ratio <= 1.5));
        }
        return lines;
    }

    /** Issue 7's limit: request metrics may cost at most this share of Tether's req per proxy CPU-second. */
    static final double METRICS_COST_LIMIT = 0.05;

    /**
     * The cost of each Tether feature a run switched between ({@code run.sh --metrics on,off}, {@code
     * --access-log off,stdout}), one line per scenario and variant: how much lower req per proxy CPU-s is with the
     * feature than without, {@code 1 - with / without}. Runs are paired by run number (the two were measured one
     * after the other, so both saw the same machine state) and the line gives the median of the paired costs and
     * their range. The line for {@code tether} against {@code tether-nometrics} carries issue 7's verdict (cost
     * under 5 %).
     */
    public static List<String> variantCosts(List<Measurement> measurements) {
        Map<String, Map<String, Map<Integer, Measurement>>> byRun = new LinkedHashMap<>();
        for (Measurement m : measurements) {
            byRun.computeIfAbsent(m.scenario(), k -> new TreeMap<>(LABEL_ORDER))
                    .computeIfAbsent(m.label(), k -> new TreeMap<>())
                    .put(m.run(), m);
        }
        List<String> lines = new ArrayList<>();
        byRun.forEach((scenario, byLabel) -> byLabel.forEach((label, runs) -> {
            if (runs.get(runs.keySet().iterator().next()).contestant() != Contestant.TETHER) {
                return;
            }
            TetherVariant variant = TetherVariant.parseLabel(label);
            TetherVariant reference = variant.reference();
            if (reference == null || !byLabel.containsKey(reference.label())) {
                return;
            }
            // "with" has the feature the pair differs in, "without" has not.
            boolean metricsPair = !variant.metrics();
            Map<Integer, Measurement> with = metricsPair ? byLabel.get(reference.label()) : runs;
            Map<Integer, Measurement> without = metricsPair ? runs : byLabel.get(reference.label());
            String withLabel = metricsPair ? reference.label() : label;
            String withoutLabel = metricsPair ? label : reference.label();
            List<Double> costs = new ArrayList<>();
            with.forEach((run, w) -> {
                Measurement wo = without.get(run);
                if (wo != null) {
                    costs.add(1 - w.requestsPerCpuSecond() / wo.requestsPerCpuSecond());
                }
            });
            Sample cost = Sample.of(costs);
            String feature = metricsPair ? "request metrics" : "access log to " + variant.accessLog().label();
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                    "%s: %s cost %s of req per proxy CPU-s (%s against %s; median of %d paired runs, range %s to %s)",
                    scenario, feature, percent(cost.median()), withLabel, withoutLabel, cost.count(),
                    percent(cost.min()), percent(cost.max())));
            // The verdict is for the question issue 7 asks: metrics on against off, nothing else changed.
            if (metricsPair && reference.equals(TetherVariant.DEFAULT) && cost.count() > 0) {
                line.append(String.format(Locale.ROOT, " (target < %.0f%%): %s", METRICS_COST_LIMIT * 100,
                        cost.median() < METRICS_COST_LIMIT ? "met" : "MISSED"));
            }
            lines.add(line.toString());
        }));
        return lines;
    }

    private static Map<String, Map<String, Row>> byScenario(List<Measurement> measurements) {
        Map<String, Map<String, Row>> byScenario = new LinkedHashMap<>();
        for (Row r : rows(measurements)) {
            byScenario.computeIfAbsent(r.scenario(), k -> new LinkedHashMap<>()).put(r.label(), r);
        }
        return byScenario;
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
