package dev.tether.core.metrics;

import dev.tether.routing.model.ServerState;

/**
 * One server's line on the stats page, like a server row of HAProxy's stats page.
 *
 * @param backend backend name
 * @param server server name
 * @param state current state
 * @param stateSinceMillis wall-clock millis of the last state change (or of the start, when it never changed)
 * @param lastCheckPassed result of the last health check, {@code null} when none ran yet
 * @param lastCheckMillis when the last health check finished, -1 when none ran yet
 * @param lastCheckLatencyNanos how long the last health check took, -1 when unknown
 * @param lastCheckDetail a few words on the last check ({@code status 200 in 3 ms}), or {@code null}
 * @param weight configured weight
 * @param backup whether the server is a backup
 * @param currentSessions requests in flight on this server now
 * @param maxSessions the most requests seen in flight at once (sampled, see {@link ProxyMetrics})
 * @param maxConn configured limit of concurrent requests, 0 for none
 * @param requests finished exchanges answered through this server
 * @param responses5xx of which with a 5xx status
 * @param bytesIn request body bytes read from clients
 * @param bytesOut response body bytes written to clients
 * @param stickyRouted requests routed here by their sticky cookie
 * @param pinnedSessions sticky sessions seen here within the backend's drain-idle-timeout (how many a drain still
 *     holds), -1 when the backend has none
 * @param slowStartPercent how far a server back in service is through its slow start, 0..99, or -1 when it is not
 *     ramping up
 */
public record ServerStats(
        String backend,
        String server,
        ServerState state,
        long stateSinceMillis,
        Boolean lastCheckPassed,
        long lastCheckMillis,
        long lastCheckLatencyNanos,
        String lastCheckDetail,
        int weight,
        boolean backup,
        int currentSessions,
        int maxSessions,
        int maxConn,
        long requests,
        long responses5xx,
        long bytesIn,
        long bytesOut,
        long stickyRouted,
        int pinnedSessions,
        int slowStartPercent) {

    /** The earlier shape: not ramping up. */
    public ServerStats(
            String backend,
            String server,
            ServerState state,
            long stateSinceMillis,
            Boolean lastCheckPassed,
            long lastCheckMillis,
            long lastCheckLatencyNanos,
            String lastCheckDetail,
            int weight,
            boolean backup,
            int currentSessions,
            int maxSessions,
            int maxConn,
            long requests,
            long responses5xx,
            long bytesIn,
            long bytesOut,
            long stickyRouted,
            int pinnedSessions) {
        this(backend, server, state, stateSinceMillis, lastCheckPassed, lastCheckMillis, lastCheckLatencyNanos,
                lastCheckDetail, weight, backup, currentSessions, maxSessions, maxConn, requests, responses5xx, bytesIn,
                bytesOut, stickyRouted, pinnedSessions, -1);
    }
}
