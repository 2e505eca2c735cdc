package dev.tether.routing.model;

import dev.tether.routing.config.ServerConfig;

/**
 * A server as the routing table sees it: its backend, its configuration and its live state.
 *
 * @param backend the backend name
 * @param config the server's configuration
 * @param state current state
 * @param id {@code backend/server}, the id used in logs, metrics and avoid sets; computed once here because the
 *     load signal looks servers up by it on every least-connections pick
 */
public record Server(String backend, ServerConfig config, ServerState state, String id) {

    public Server {
        String expected = backend + "/" + config.name();
        id = id == null || !id.equals(expected) ? expected : id;
    }

    public Server(String backend, ServerConfig config, ServerState state) {
        this(backend, config, state, null);
    }

    public String name() {
        return config.name();
    }

    public String host() {
        return config.host();
    }

    public int port() {
        return config.port();
    }
}
