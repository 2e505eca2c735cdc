package dev.tether.routing.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything the routing engine needs: the backends, the rules in order, and the default backend.
 *
 * <p>Built by proxy-core from HOCON, or by hand by embedders. The constructor checks that every reference
 * resolves and throws {@link IllegalArgumentException} listing what does not.
 */
public record RoutingConfig(List<RouteConfig> routes, List<BackendConfig> backends, String defaultBackend) {

    public RoutingConfig {
        routes = List.copyOf(routes);
        backends = List.copyOf(backends);
        Map<String, BackendConfig> byName = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (BackendConfig b : backends) {
            if (byName.put(b.name(), b) != null) {
                problems.add("duplicate backend name " + b.name());
            }
        }
        if (defaultBackend != null && !byName.containsKey(defaultBackend)) {
            problems.add("default-backend = " + defaultBackend + " names no backend (known: " + byName.keySet() + ")");
        }
        Set<String> routeNames = new HashSet<>();
        for (RouteConfig r : routes) {
            if (!routeNames.add(r.name())) {
                // Decisions and logs name their rule, and reroute finds a rule by name.
                problems.add("duplicate route name " + r.name());
            }
            BackendConfig b = byName.get(r.backend());
            if (b == null) {
                problems.add("route " + r.name() + ": backend = " + r.backend() + " names no backend (known: "
                        + byName.keySet() + ")");
            } else {
                if (r.useServer() != null && b.server(r.useServer()) == null) {
                    problems.add("route " + r.name() + ": use-server = " + r.useServer()
                            + " names no server of backend " + b.name());
                }
                if (r.uuidMap() != null) {
                    for (String server : new TreeSet<>(r.uuidMap().servers())) {
                        if (b.server(server) == null) {
                            problems.add("route " + r.name() + ": uuid-map names server " + server
                                    + ", which backend " + b.name() + " does not have");
                        }
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** The backend with this name, or {@code null}. */
    public BackendConfig backend(String name) {
        for (BackendConfig b : backends) {
            if (b.name().equals(name)) {
                return b;
            }
        }
        return null;
    }
}
