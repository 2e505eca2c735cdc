package dev.tether.bench.harness;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one load-generator run reported.
 *
 * <p>Read from the {@code BENCH key=value ...} line that the generated wrk script and {@code LoadHarness} both
 * print; when that line is missing (a hand-run wrk without the script), from wrk's standard {@code --latency}
 * output, which has no p99.9 ({@code NaN} then).
 *
 * @param requests completed requests
 * @param durationSeconds how long the generator ran
 * @param errors socket errors, timeouts and non-2xx/3xx responses together
 * @param p50Micros median latency
 * @param p99Micros 99th percentile
 * @param p999Micros 99.9th percentile, {@code NaN} when unknown
 * @param violations sticky-session violations, -1 when not checked: wrk, or no request carried a sticky cookie
 *     ({@code sticky=0}, e.g. nginx, which sets none)
 */
public record RunResult(
        long requests,
        double durationSeconds,
        long errors,
        double p50Micros,
        double p99Micros,
        double p999Micros,
        long violations) {

    private static final Pattern KEY_VALUE = Pattern.compile("(\\w+)=(\\S+)");
    private static final Pattern REQUESTS_IN =
            Pattern.compile("(\\d+) requests in ([\\d.]+)(us|ms|s|m|h)");
    private static final Pattern PERCENTILE = Pattern.compile("^\\s*(50|99|99\\.9)(?:\\.0+)?%\\s+([\\d.]+)(us|ms|s|m)\\s*$");
    private static final Pattern SOCKET_ERRORS =
            Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

    public double requestsPerSecond() {
        return durationSeconds > 0 ? requests / durationSeconds : 0;
    }

    /** Parses a generator's output; throws with the reason when neither format is found. */
    public static RunResult parse(String output) {
        for (String line : output.split("\\R")) {
            if (line.startsWith("BENCH ")) {
                return parseBenchLine(line);
            }
        }
        return parseWrkText(output);
    }

    static RunResult parseBenchLine(String line) {
        Map<String, String> kv = new HashMap<>();
        Matcher m = KEY_VALUE.matcher(line);
        while (m.find()) {
            kv.put(m.group(1), m.group(2));
        }
        long errors = 0;
        for (Map.Entry<String, String> e : kv.entrySet()) {
            if (e.getKey().startsWith("errors_")) {
                errors += Long.parseLong(e.getValue());
            }
        }
        return new RunResult(
                Long.parseLong(require(kv, "requests", line)),
                Long.parseLong(require(kv, "duration_us", line)) / 1e6,
                errors,
                Double.parseDouble(require(kv, "p50_us", line)),
                Double.parseDouble(require(kv, "p99_us", line)),
                Double.parseDouble(kv.getOrDefault("p999_us", "NaN")),
                "0".equals(kv.get("sticky")) ? -1 : Long.parseLong(kv.getOrDefault("violations", "-1")));
    }

    private static String require(Map<String, String> kv, String key, String line) {
        String v = kv.get(key);
        if (v == null) {
            throw new IllegalArgumentException("BENCH line lacks " + key + "=: " + line);
        }
        return v;
    }

    static RunResult parseWrkText(String output) {
        Matcher in = REQUESTS_IN.matcher(output);
        if (!in.find()) {
            throw new IllegalArgumentException(
                    "neither a BENCH line nor wrk's 'N requests in T' line found in output:\n" + abbreviate(output));
        }
        long requests = Long.parseLong(in.group(1));
        double seconds = toMicros(in.group(2), in.group(3)) / 1e6;
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        double p999 = Double.NaN;
        for (String line : output.split("\\R")) {
            Matcher p = PERCENTILE.matcher(line);
            if (p.matches()) {
                double micros = toMicros(p.group(2), p.group(3));
                switch (p.group(1)) {
                    case "50" -> p50 = micros;
                    case "99" -> p99 = micros;
                    default -> p999 = micros;
                }
            }
        }
        long errors = 0;
        Matcher se = SOCKET_ERRORS.matcher(output);
        if (se.find()) {
            for (int g = 1; g <= 4; g++) {
                errors += Long.parseLong(se.group(g));
            }
        }
        Matcher non2xx = NON_2XX.matcher(output);
        if (non2xx.find()) {
            errors += Long.parseLong(non2xx.group(1));
        }
        return new RunResult(requests, seconds, errors, p50, p99, p999, -1);
    }

    /** wrk prints durations as {@code 812.00us}, {@code 1.06ms}, {@code 2.00s}, {@code 1.00m}. */
    static double toMicros(String number, String unit) {
        double v = Double.parseDouble(number);
        return switch (unit.toLowerCase(Locale.ROOT)) {
            case "us" -> v;
            case "ms" -> v * 1e3;
            case "s" -> v * 1e6;
            case "m" -> v * 60e6;
            case "h" -> v * 3600e6;
            default -> throw new IllegalArgumentException("unknown time unit '" + unit + "'");
        };
    }

    private static String abbreviate(String s) {
        return s.length() <= 600 ? s : s.substring(0, 600) + "...";
    }
}
