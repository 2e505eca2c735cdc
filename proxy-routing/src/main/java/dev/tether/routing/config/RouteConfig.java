package dev.tether.routing.config;

/**
 * One routing rule. Rules are evaluated in order and the first whose {@link RouteMatch} holds decides.
 *
 * <p>A rule may pin its requests to one server in one of three ways, at most one per rule: {@code useServer}
 * (every request), {@code uuidMap} (by the base UUID in the path) or {@code hash} (by a request key). Each has its
 * own policy for when that server is not usable.
 *
 * @param name rule name, reported in every decision it makes
 * @param match conditions
 * @param backend the backend that serves matching requests
 * @param useServer pin matching requests to this server of the backend, or {@code null}
 * @param onUnavailable what to do when {@code useServer} is not usable
 * @param uuidMap shard map on the base UUID, or {@code null}
 * @param hash consistent hash of a request key, or {@code null}
 */
public record RouteConfig(
        String name,
        RouteMatch match,
        String backend,
        String useServer,
        UnavailablePolicy onUnavailable,
        UuidMapConfig uuidMap,
        HashConfig hash) {

    public RouteConfig {
        ServerConfig.requireText(name, "route name");
        ServerConfig.requireText(backend, "route " + name + ": backend");
        match = match == null ? RouteMatch.ANY : match;
        onUnavailable = onUnavailable == null ? UnavailablePolicy.FALLBACK : onUnavailable;
        int pins = (useServer != null ? 1 : 0) + (uuidMap != null ? 1 : 0) + (hash != null ? 1 : 0);
        if (pins > 1) {
            throw new IllegalArgumentException(
                    "route " + name + ": set at most one of use-server, uuid-map and hash");
        }
    }

    /** The original five-argument shape: a rule without shard map or hash. */
    public RouteConfig(
            String name, RouteMatch match, String backend, String useServer, UnavailablePolicy onUnavailable) {
        this(name, match, backend, useServer, onUnavailable, null, null);
    }

    public static RouteConfig to(String name, RouteMatch match, String backend) {
        return new RouteConfig(name, match, backend, null, UnavailablePolicy.FALLBACK);
    }

    /** A rule that routes matching requests through a UUID shard map. */
    public static RouteConfig uuidMap(String name, RouteMatch match, String backend, UuidMapConfig map) {
        return new RouteConfig(name, match, backend, null, null, map, null);
    }

    /** A rule that pins matching requests by a consistent hash of a request key. */
    public static RouteConfig hash(String name, RouteMatch match, String backend, HashConfig hash) {
        return new RouteConfig(name, match, backend, null, null, null, hash);
    }
}
