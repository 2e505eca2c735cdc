package dev.tether.bench.load;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a {@link LoadHarness} run measured. Latencies run from each request's <em>intended</em> start time, so a
 * stalled server shows in the percentiles instead of silently slowing the load (no coordinated omission).
 *
 * @param offered requests scheduled by the fixed-rate clock
 * @param completed responses received in full
 * @param connectErrors requests failed because no connection could be opened
 * @param statusErrors responses with a status of 400 or more
 * @param resetErrors requests whose connection closed before the response ended
 * @param unfinished requests still queued or in flight when the drain time ran out
 * @param violations responses from another server than the session's previous one although the session carried
 *     its sticky cookie and that server was up
 * @param stickyRequests completed requests that carried the sticky cookie; 0 means stickiness was not checked
 *     (the target sets no such cookie)
 * @param perBackend completed responses by {@code X-Backend-Id}
 * @param durationNanos time from the first intended request to the end of the drain
 * @param p50Micros median latency
 * @param p99Micros 99th percentile
 * @param p999Micros 99.9th percentile
 * @param maxMicros slowest request
 */
public record LoadReport(
        long offered,
        long completed,
        long connectErrors,
        long statusErrors,
        long resetErrors,
        long unfinished,
        long violations,
        long stickyRequests,
        Map<String, Long> perBackend,
        long durationNanos,
        long p50Micros,
        long p99Micros,
        long p999Micros,
        long maxMicros) {

    public LoadReport {
        perBackend = Map.copyOf(perBackend);
    }

    public long errors() {
        return connectErrors + statusErrors + resetErrors + unfinished;
    }

    /**
     * The line {@code dev.tether.bench.harness.RunResult} parses; the same keys as the wrk script's line, plus
     * {@code violations}.
     */
    public String benchLine() {
        return String.format(Locale.ROOT,
                "BENCH requests=%d duration_us=%d errors_connect=%d errors_status=%d errors_reset=%d"
                        + " errors_unfinished=%d p50_us=%d p99_us=%d p999_us=%d max_us=%d violations=%d sticky=%d"
                        + " offered=%d",
                completed, durationNanos / 1000, connectErrors, statusErrors, resetErrors, unfinished, p50Micros,
                p99Micros, p999Micros, maxMicros, violations, stickyRequests, offered);
    }

    public String summary() {
        return String.format(Locale.ROOT,
                "offered %d, completed %d (%.0f/s), errors %d (connect %d, status %d, reset %d, unfinished %d),"
                        + " latency p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms, sticky violations %d"
                        + " (of %d requests carrying the cookie), per backend %s",
                offered, completed, completed / (durationNanos / 1e9), errors(), connectErrors, statusErrors,
                resetErrors, unfinished, p50Micros / 1e3, p99Micros / 1e3, p999Micros / 1e3, maxMicros / 1e3,
                violations, stickyRequests, new TreeMap<>(perBackend));
    }
}
