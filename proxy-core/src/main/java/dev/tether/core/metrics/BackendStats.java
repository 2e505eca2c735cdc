package dev.tether.core.metrics;

import java.util.List;

/**
 * One backend's block on the stats page.
 *
 * @param name backend name
 * @param queueLength requests waiting for a usable server now
 * @param openTunnels websocket tunnels open now
 * @param servers the configured servers, in configuration order
 * @param stickTableKeys keys held in the backend's stick table now, or -1 when it has none
 */
public record BackendStats(
        String name, int queueLength, int openTunnels, List<ServerStats> servers, long stickTableKeys) {

    public BackendStats {
        servers = List.copyOf(servers);
    }

    /** A backend without a stick table. */
    public BackendStats(String name, int queueLength, int openTunnels, List<ServerStats> servers) {
        this(name, queueLength, openTunnels, servers, -1);
    }
}
