package dev.tether.routing.model;

import dev.tether.routing.config.ServerConfig;

/**
 * A server as the routing table sees it: its backend, its configuration and its live state.
 *
 * @param backend the backend name
 * @param config the server's configuration
 * @param state current state
 */
public record Server(String backend, ServerConfig config, ServerState state) {

    public String name() {
        return config.name();
    }

    /** {@code backend/server}, the id used in logs and metrics. */
    public String id() {
        return backend + "/" + config.name();
    }

    public String host() {
        return config.host();
    }

    public int port() {
        return config.port();
    }
}
