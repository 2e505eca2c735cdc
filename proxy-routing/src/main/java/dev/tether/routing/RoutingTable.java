package dev.tether.routing;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.tether.routing.balance.ConsistentHash;
import dev.tether.routing.balance.SlowStart;
import dev.tether.routing.config.BackendConfig;
import dev.tether.routing.config.RouteConfig;
import dev.tether.routing.config.RoutingConfig;
import dev.tether.routing.config.ServerConfig;
import dev.tether.routing.match.PathIndex;
import dev.tether.routing.match.RouteMatcher;
import dev.tether.routing.match.UuidShardMap;
import dev.tether.routing.model.Server;
import dev.tether.routing.model.ServerState;
import dev.tether.routing.sticky.StickTable;
import dev.tether.routing.sticky.StickyCookies;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A compiled, immutable snapshot of the routing configuration and every server's state.
 *
 * <p>This is the unit of atomic swap: a health change or a reload builds a new table with
 * {@link #withServerState} and the proxy publishes it; a request reads the table once and keeps it. Compiling does
 * the expensive work once: regexes, shard maps, hash rings, cookie ids and balancer schedules. A state change
 * rebuilds only the affected backend's servers and balancer and shares everything else.
 */
public final class RoutingTable {

    private final RoutingConfig config;
    private final CompiledRoute[] routes;
    private final Map<String, CompiledRoute> routesByName;
    private final Map<String, BackendSnapshot> backends;
    // The backend of each route by route index, the default backend (or null) last: no map lookup per request.
    private final BackendSnapshot[] bySlot;
    private final PathIndex pathIndex;

    private RoutingTable(
            RoutingConfig config,
            CompiledRoute[] routes,
            Map<String, CompiledRoute> routesByName,
            Map<String, BackendSnapshot> backends) {
        this.config = config;
        this.routes = routes;
        this.routesByName = routesByName;
        this.backends = backends;
        this.bySlot = new BackendSnapshot[routes.length + 1];
        for (int i = 0; i < routes.length; i++) {
            bySlot[i] = backends.get(routes[i].backend());
        }
        String fallback = config.defaultBackend();
        bySlot[routes.length] = fallback == null ? null : backends.get(fallback);
        List<String> prefixes = new ArrayList<>(routes.length);
        for (CompiledRoute r : routes) {
            prefixes.add(r.matcher().requiredPrefix());
        }
        this.pathIndex = new PathIndex(prefixes);
    }

    /**
     * Compiles a table with every server {@code UP}.
     *
     * @throws IllegalArgumentException listing every route that cannot be compiled (bad regex, shard map problems)
     */
    public static RoutingTable compile(RoutingConfig config) {
        return compile(config, Ticker.systemTicker());
    }

    /**
     * Compiles a table with every server {@code UP}, whose stick tables measure idle time with {@code ticker}.
     *
     * @throws IllegalArgumentException listing every route that cannot be compiled (bad regex, shard map problems)
     */
    public static RoutingTable compile(RoutingConfig config, Ticker ticker) {
        int routeCount = config.routes().size();
        Map<String, BackendSnapshot> backends = new HashMap<>();
        for (BackendConfig b : config.backends()) {
            List<Server> servers = new ArrayList<>();
            Map<String, Integer> index = new HashMap<>();
            List<String> names = new ArrayList<>();
            List<String> cookieIds = new ArrayList<>();
            for (ServerConfig s : b.servers()) {
                index.put(s.name(), servers.size());
                servers.add(new Server(b.name(), s, ServerState.UP));
                names.add(s.name());
                cookieIds.add(s.cookie());
            }
            StickyCookies cookies = b.cookie() == null ? null : new StickyCookies(b.cookie(), names, cookieIds,
                    b.drainIdle());
            StickTable stick = b.stickTable() == null ? null : new StickTable(b.stickTable(), ticker);
            backends.put(b.name(),
                    new BackendSnapshot(b, List.copyOf(servers), Map.copyOf(index), cookies, stick, routeCount));
        }
        CompiledRoute[] routes = new CompiledRoute[routeCount];
        Map<String, CompiledRoute> byName = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < routeCount; i++) {
            RouteConfig r = config.routes().get(i);
            try {
                routes[i] = new CompiledRoute(i, r, new RouteMatcher(r.match()), pin(r, backends.get(r.backend())));
                byName.putIfAbsent(r.name(), routes[i]);
            } catch (IllegalArgumentException e) {
                problems.add("route " + r.name() + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new RoutingTable(config, routes, Map.copyOf(byName), Map.copyOf(backends));
    }

    private static Pin pin(RouteConfig r, BackendSnapshot backend) {
        if (r.useServer() != null) {
            return new Pin.UseServer(backend.index.get(r.useServer()), r.onUnavailable());
        }
        if (r.uuidMap() != null) {
            return new Pin.UuidMap(new UuidShardMap(r.uuidMap(), backend.index::get), r.uuidMap().onUnavailable());
        }
        if (r.hash() != null) {
            List<ServerConfig> servers = backend.config.servers();
            ConsistentHash ring = new ConsistentHash(servers,
                    i -> !servers.get(i).backup() && servers.get(i).weight() > 0);
            if (ring.isEmpty()) {
                throw new IllegalArgumentException("hash: backend " + r.backend()
                        + " has no primary server with weight above 0 to hash onto");
            }
            return new Pin.Hash(ring, r.hash().source(), r.hash().name(), r.hash().onUnavailable());
        }
        return null;
    }

    /** A new table in which one server has {@code state}; unknown names leave the table as it is. */
    public RoutingTable withServerState(String backend, String server, ServerState state) {
        return withServerState(backend, server, state, 0, 0);
    }

    /**
     * A new table in which one server has {@code state}; unknown names leave the table as it is. A server that comes
     * back from {@code DOWN} or {@code MAINT} to {@code UP} with {@code slowStartMillis > 0} takes a share of new
     * sessions that grows from nothing at {@code nowMillis} to its full share {@code slowStartMillis} later (see
     * {@link SlowStart}); the router reads the same clock ({@code epochMillis}).
     */
    public RoutingTable withServerState(
            String backend, String server, ServerState state, long nowMillis, long slowStartMillis) {
        BackendSnapshot current = backends.get(backend);
        if (current == null) {
            return this;
        }
        return with(current, current.withState(server, state, nowMillis, slowStartMillis));
    }

    /** This table without the slow starts that are over at {@code nowMillis}, so picks stop checking them. */
    public RoutingTable withoutFinishedSlowStarts(long nowMillis) {
        RoutingTable t = this;
        for (BackendSnapshot b : backends.values()) {
            t = t.with(b, b.withoutFinishedRamps(nowMillis));
        }
        return t;
    }

    /** The slow start of a server that is still ramping up, or {@code null}. */
    public SlowStart slowStart(String backend, String server) {
        BackendSnapshot b = backends.get(backend);
        Integer i = b == null ? null : b.index.get(server);
        return i == null || b.ramps == null ? null : b.ramps[i];
    }

    private RoutingTable with(BackendSnapshot current, BackendSnapshot updated) {
        if (updated == current) {
            return this;
        }
        Map<String, BackendSnapshot> copy = new HashMap<>(backends);
        copy.put(current.config.name(), updated);
        return new RoutingTable(config, routes, routesByName, Map.copyOf(copy));
    }

    /**
     * This table keeping the stick tables of {@code previous} for every backend whose stick-table settings did not
     * change, so a reload does not move the clients they hold. Entries name servers, so they survive servers being
     * reordered; one naming a removed server is ignored and replaced on its next request.
     */
    public RoutingTable withStickTablesOf(RoutingTable previous) {
        Map<String, BackendSnapshot> copy = new HashMap<>(backends);
        boolean changed = false;
        for (Map.Entry<String, BackendSnapshot> e : backends.entrySet()) {
            BackendSnapshot old = previous.backends.get(e.getKey());
            StickTable mine = e.getValue().stick;
            if (mine != null && old != null && old.stick != null && old.stick != mine
                    && old.stick.config().equals(mine.config())) {
                copy.put(e.getKey(), e.getValue().withStickTable(old.stick));
                changed = true;
            }
        }
        return changed ? new RoutingTable(config, routes, routesByName, Map.copyOf(copy)) : this;
    }

    /**
     * This table keeping the slow starts still running in {@code previous}, so a reload or a weight change does not
     * end a ramp early (a recompiled table starts with none). Matched by backend and server name; a server that is
     * no longer {@code UP} here keeps none.
     */
    public RoutingTable withSlowStartsOf(RoutingTable previous) {
        RoutingTable t = this;
        for (BackendSnapshot old : previous.backends.values()) {
            BackendSnapshot mine = backends.get(old.config.name());
            if (old.ramps == null || mine == null) {
                continue;
            }
            SlowStart[] ramps = new SlowStart[mine.servers.size()];
            for (int i = 0; i < ramps.length; i++) {
                Integer was = old.index.get(mine.servers.get(i).name());
                if (was != null && mine.servers.get(i).state() == ServerState.UP) {
                    ramps[i] = old.ramps[was];
                }
            }
            t = t.with(mine, mine.withRamps(ramps));
        }
        return t;
    }

    /** The stick table of a backend, or {@code null} when it has none (or the backend is unknown). */
    public StickTable stickTable(String backend) {
        BackendSnapshot b = backends.get(backend);
        return b == null ? null : b.stick;
    }

    public RoutingConfig config() {
        return config;
    }

    /** The servers of a backend in configuration order, or an empty list for an unknown backend. */
    public List<Server> servers(String backend) {
        BackendSnapshot b = backends.get(backend);
        return b == null ? List.of() : b.servers;
    }

    /** The server with this name in this backend, or {@code null}. */
    public Server server(String backend, String name) {
        BackendSnapshot b = backends.get(backend);
        Integer i = b == null ? null : b.index.get(name);
        return i == null ? null : b.servers.get(i);
    }

    /**
     * The sticky cookie codec of a backend, or {@code null} when it has no cookie. The proxy uses it to know the
     * cookie name for {@code indirect} stripping; tests use it to forge values.
     */
    public StickyCookies cookies(String backend) {
        BackendSnapshot b = backends.get(backend);
        return b == null ? null : b.cookies;
    }

    /** Indices, ascending, of the routes whose path condition {@code path} can satisfy. */
    int[] candidates(String path) {
        return pathIndex.candidates(path);
    }

    CompiledRoute[] routes() {
        return routes;
    }

    CompiledRoute route(String name) {
        return routesByName.get(name);
    }

    /** The backend of route {@code slot}, or of the default route when {@code slot == routes().length}. */
    BackendSnapshot backendOfSlot(int slot) {
        return bySlot[slot];
    }

    BackendSnapshot backend(String name) {
        return name == null ? null : backends.get(name);
    }
}
