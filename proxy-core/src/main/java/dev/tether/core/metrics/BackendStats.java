package dev.tether.core.metrics;

import java.util.List;

/**
 * One backend's block on the stats page.
 *
 * @param name backend name
 * @param queueLength requests waiting for a usable server now
 * @param openTunnels websocket tunnels open now
 * @param servers the configured servers, in configuration order
 */
public record BackendStats(String name, int queueLength, int openTunnels, List<ServerStats> servers) {

    public BackendStats {
        servers = List.copyOf(servers);
    }
}
