package dev.tether.routing.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A named group of servers that serve the same application.
 *
 * @param name unique backend name
 * @param balance how new sessions are spread
 * @param servers at least one; names unique within the backend
 * @param cookie cookie persistence, or {@code null} for none
 * @param retries extra attempts after a failed one (HAProxy's {@code retries}), 0..10
 * @param redispatch whether a retry, and a sticky request whose server is unusable, may go to another server
 */
public record BackendConfig(
        String name,
        BalanceAlgorithm balance,
        List<ServerConfig> servers,
        StickyCookieConfig cookie,
        int retries,
        boolean redispatch) {

    public BackendConfig {
        ServerConfig.requireText(name, "backend name");
        if (balance == null) {
            throw new IllegalArgumentException("backend " + name + ": balance must be set");
        }
        servers = List.copyOf(servers);
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("backend " + name + ": needs at least one server");
        }
        Set<String> seen = new HashSet<>();
        for (ServerConfig s : servers) {
            if (!seen.add(s.name())) {
                throw new IllegalArgumentException("backend " + name + ": duplicate server name " + s.name());
            }
        }
        if (retries < 0 || retries > 10) {
            throw new IllegalArgumentException("backend " + name + ": retries = " + retries + " (expected 0..10)");
        }
    }

    /** The server with this name, or {@code null}. */
    public ServerConfig server(String serverName) {
        for (ServerConfig s : servers) {
            if (s.name().equals(serverName)) {
                return s;
            }
        }
        return null;
    }
}
