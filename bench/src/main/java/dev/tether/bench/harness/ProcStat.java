package dev.tether.bench.harness;

/**
 * CPU time of processes from {@code /proc/PID/stat} lines (proc(5)): {@code utime} and {@code stime} are fields
 * 14 and 15, in clock ticks, and count every thread of the process. The second field, the command, is in
 * parentheses and may itself hold spaces and parentheses, so fields are counted from the last {@code ')'}.
 */
public final class ProcStat {

    private ProcStat() {}

    /** utime + stime of one stat line, in clock ticks. */
    public static long cpuTicks(String statLine) {
        int close = statLine.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc/PID/stat line (no ')'): " + statLine);
        }
        // After ") " come field 3 (state) onwards; utime is field 14, so index 11 here.
        String[] rest = statLine.substring(close + 1).trim().split("\\s+");
        if (rest.length < 13) {
            throw new IllegalArgumentException("/proc/PID/stat line too short (" + rest.length + " fields after the"
                    + " command, expected >= 13): " + statLine);
        }
        return Long.parseLong(rest[11]) + Long.parseLong(rest[12]);
    }

    /**
     * Sum over a snapshot of several stat lines (a proxy's master and workers), one per line; blank lines are
     * skipped.
     */
    public static long totalTicks(String snapshot) {
        long total = 0;
        for (String line : snapshot.split("\\R")) {
            if (!line.isBlank()) {
                total += cpuTicks(line);
            }
        }
        return total;
    }

    /** CPU seconds between two snapshots of the same processes. */
    public static double cpuSeconds(String before, String after, long clockTicksPerSecond) {
        long delta = totalTicks(after) - totalTicks(before);
        if (delta < 0) {
            throw new IllegalArgumentException("CPU ticks went down (" + delta + "): the snapshots are of different"
                    + " processes");
        }
        return (double) delta / clockTicksPerSecond;
    }
}
