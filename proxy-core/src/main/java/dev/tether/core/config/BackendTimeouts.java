package dev.tether.core.config;

import java.time.Duration;

/**
 * Server-side timeouts and connection pooling for one backend.
 *
 * @param connect time allowed to open a TCP connection to a server (HAProxy {@code timeout connect})
 * @param server time allowed waiting for the response head, and between response chunks ({@code timeout server})
 * @param queue time a request may wait for a usable server before 503 ({@code timeout queue})
 * @param tunnel inactivity allowed on an upgraded (websocket) connection ({@code timeout tunnel})
 * @param poolIdle an idle pooled connection is closed after this; keep it below the servers' keep-alive
 * @param poolMaxIdle idle connections kept per server per event loop
 * @param serverKeepAlive the servers' own keep-alive timeout as the operator declared it, or {@code null} when
 *     unknown; only checked against {@code poolIdle} ({@link ConfigLoader#warnings}), Tether does not act on it
 */
public record BackendTimeouts(
        Duration connect,
        Duration server,
        Duration queue,
        Duration tunnel,
        Duration poolIdle,
        int poolMaxIdle,
        Duration serverKeepAlive) {

    /** Timeouts without a declared server keep-alive. */
    public BackendTimeouts(
            Duration connect, Duration server, Duration queue, Duration tunnel, Duration poolIdle, int poolMaxIdle) {
        this(connect, server, queue, tunnel, poolIdle, poolMaxIdle, null);
    }

    /** The Overleaf guide's values: connect 15s, server 10m, queue 1m, tunnel 23h; pool idle 30s. */
    public static BackendTimeouts defaults() {
        return new BackendTimeouts(Duration.ofSeconds(15), Duration.ofMinutes(10), Duration.ofMinutes(1),
                Duration.ofHours(23), Duration.ofSeconds(30), 64);
    }

    public BackendTimeouts withServer(Duration server) {
        return new BackendTimeouts(connect, server, queue, tunnel, poolIdle, poolMaxIdle, serverKeepAlive);
    }

    public BackendTimeouts withQueue(Duration queue) {
        return new BackendTimeouts(connect, server, queue, tunnel, poolIdle, poolMaxIdle, serverKeepAlive);
    }

    public BackendTimeouts withTunnel(Duration tunnel) {
        return new BackendTimeouts(connect, server, queue, tunnel, poolIdle, poolMaxIdle, serverKeepAlive);
    }

    public BackendTimeouts withPoolIdle(Duration poolIdle) {
        return new BackendTimeouts(connect, server, queue, tunnel, poolIdle, poolMaxIdle, serverKeepAlive);
    }

    public BackendTimeouts withServerKeepAlive(Duration serverKeepAlive) {
        return new BackendTimeouts(connect, server, queue, tunnel, poolIdle, poolMaxIdle, serverKeepAlive);
    }
}
