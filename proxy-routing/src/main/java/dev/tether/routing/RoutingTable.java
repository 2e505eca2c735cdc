package dev.tether.routing;

import dev.tether.routing.config.BackendConfig;
import dev.tether.routing.config.RoutingConfig;
import dev.tether.routing.config.ServerConfig;
import dev.tether.routing.model.Server;
import dev.tether.routing.model.ServerState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A compiled, immutable snapshot of the routing configuration and every server's state.
 *
 * <p>This is the unit of atomic swap: a health change or a reload builds a new table with
 * {@link #withServerState} and the proxy publishes it; a request reads the table once and keeps it.
 * The only mutable state inside is each backend's balancing cursor, which is carried over to new tables.
 */
public final class RoutingTable {

    private final RoutingConfig config;
    private final Map<String, List<Server>> serversByBackend;
    private final Map<String, AtomicInteger> cursors;

    private RoutingTable(
            RoutingConfig config, Map<String, List<Server>> serversByBackend, Map<String, AtomicInteger> cursors) {
        this.config = config;
        this.serversByBackend = serversByBackend;
        this.cursors = cursors;
    }

    /** Compiles a table with every server {@code UP}. */
    public static RoutingTable compile(RoutingConfig config) {
        Map<String, List<Server>> servers = new HashMap<>();
        Map<String, AtomicInteger> cursors = new HashMap<>();
        for (BackendConfig b : config.backends()) {
            List<Server> list = new ArrayList<>();
            for (ServerConfig s : b.servers()) {
                list.add(new Server(b.name(), s, ServerState.UP));
            }
            servers.put(b.name(), List.copyOf(list));
            cursors.put(b.name(), new AtomicInteger());
        }
        return new RoutingTable(config, Map.copyOf(servers), Map.copyOf(cursors));
    }

    /** A new table in which one server has {@code state}; unknown names leave the table as it is. */
    public RoutingTable withServerState(String backend, String server, ServerState state) {
        List<Server> current = serversByBackend.get(backend);
        if (current == null) {
            return this;
        }
        List<Server> updated = new ArrayList<>(current.size());
        boolean changed = false;
        for (Server s : current) {
            if (s.name().equals(server) && s.state() != state) {
                updated.add(new Server(backend, s.config(), state));
                changed = true;
            } else {
                updated.add(s);
            }
        }
        if (!changed) {
            return this;
        }
        Map<String, List<Server>> servers = new HashMap<>(serversByBackend);
        servers.put(backend, List.copyOf(updated));
        return new RoutingTable(config, Map.copyOf(servers), cursors);
    }

    public RoutingConfig config() {
        return config;
    }

    /** The servers of a backend in configuration order, or an empty list for an unknown backend. */
    public List<Server> servers(String backend) {
        return serversByBackend.getOrDefault(backend, List.of());
    }

    /** The server with this name in this backend, or {@code null}. */
    public Server server(String backend, String name) {
        for (Server s : servers(backend)) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    AtomicInteger cursor(String backend) {
        return cursors.get(backend);
    }
}
