package dev.tether.bench.harness;

/**
 * One run of one scenario against one contestant.
 *
 * @param scenario scenario name
 * @param contestant who was measured
 * @param label the contestant's label in the report: its {@link Contestant#label()}, or a {@link TetherVariant}'s
 * @param run run number, from 1
 * @param result what the load generator reported
 * @param proxyCpuSeconds CPU seconds (user + system, all processes and threads) the proxy used during the run;
 *     NaN for {@link Contestant#DIRECT}
 * @param wallSeconds wall-clock length of the run, between the two CPU snapshots
 */
public record Measurement(
        String scenario,
        Contestant contestant,
        String label,
        int run,
        RunResult result,
        double proxyCpuSeconds,
        double wallSeconds) {

    /** A measurement of the contestant itself, not of a variant. */
    public Measurement(
            String scenario, Contestant contestant, int run, RunResult result, double proxyCpuSeconds, double wallSeconds) {
        this(scenario, contestant, contestant.label(), run, result, proxyCpuSeconds, wallSeconds);
    }

    /** Requests per proxy CPU-second: the fair figure when generator, backends and proxy share cores. */
    public double requestsPerCpuSecond() {
        if (Double.isNaN(proxyCpuSeconds) || proxyCpuSeconds <= 0) {
            return Double.NaN;
        }
        return result.requests() / proxyCpuSeconds;
    }

    /** Share of one core the proxy used, 1.0 = one full core. */
    public double cpuUtilisation() {
        if (Double.isNaN(proxyCpuSeconds) || wallSeconds <= 0) {
            return Double.NaN;
        }
        return proxyCpuSeconds / wallSeconds;
    }
}
