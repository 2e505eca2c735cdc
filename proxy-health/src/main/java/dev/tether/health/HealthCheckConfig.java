package dev.tether.health;

import java.time.Duration;
import java.util.List;

/**
 * Active health checking of one backend's servers, after HAProxy's {@code option httpchk} and
 * {@code default-server inter 2s fastinter 1s downinter 5s rise 2 fall 3}.
 *
 * @param enabled whether servers are probed at all; when off every server stays in its administrative state
 * @param method request method, {@code HEAD} by default
 * @param path request path, {@code /status} by default
 * @param host Host header to send, or {@code null} for the server's address
 * @param expect status ranges that count as a pass, by default {@code 200-200}
 * @param interval time between probes of a server that is stable
 * @param fastInterval time between probes while a server is changing state (counter part-way)
 * @param downInterval time between probes of a server that is down
 * @param timeout connect plus response time allowed to one probe
 * @param rise consecutive passes that bring a down server up
 * @param fall consecutive failures that take an up server down
 */
public record HealthCheckConfig(
        boolean enabled,
        String method,
        String path,
        String host,
        List<StatusRange> expect,
        Duration interval,
        Duration fastInterval,
        Duration downInterval,
        Duration timeout,
        int rise,
        int fall) {

    /** An inclusive range of HTTP status codes. */
    public record StatusRange(int from, int to) {
        public StatusRange {
            if (from < 100 || to > 599 || from > to) {
                throw new IllegalArgumentException("status range " + from + "-" + to + " (expected 100..599, from <= to)");
            }
        }

        public boolean contains(int status) {
            return status >= from && status <= to;
        }
    }

    public HealthCheckConfig {
        expect = List.copyOf(expect);
        if (rise < 1 || fall < 1) {
            throw new IllegalArgumentException("rise and fall must be at least 1 (rise = " + rise + ", fall = " + fall + ")");
        }
        if (method == null || method.isBlank() || path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("health check request " + method + " " + path
                    + " (expected a method such as HEAD and a path starting with /)");
        }
        if (expect.isEmpty()) {
            throw new IllegalArgumentException("health check expect is empty (expected at least one status range)");
        }
        // A zero interval would probe in a busy loop on an event loop.
        requirePositive(interval, "interval");
        requirePositive(fastInterval, "fast-interval");
        requirePositive(downInterval, "down-interval");
        requirePositive(timeout, "timeout");
    }

    private static void requirePositive(Duration d, String key) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("health check " + key + " = " + d + " (expected a positive duration)");
        }
    }

    /** HAProxy-like defaults: {@code HEAD /status}, 200, every 2 s, timeout 2 s, rise 2, fall 3. */
    public static HealthCheckConfig defaults() {
        return new HealthCheckConfig(true, "HEAD", "/status", null, List.of(new StatusRange(200, 200)),
                Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(2), 2, 3);
    }

    /** No active checks. */
    public static HealthCheckConfig disabled() {
        HealthCheckConfig d = defaults();
        return new HealthCheckConfig(false, d.method, d.path, null, d.expect, d.interval, d.fastInterval,
                d.downInterval, d.timeout, d.rise, d.fall);
    }

    public boolean expects(int status) {
        for (StatusRange r : expect) {
            if (r.contains(status)) {
                return true;
            }
        }
        return false;
    }
}
