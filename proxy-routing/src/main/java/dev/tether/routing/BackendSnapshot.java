package dev.tether.routing;

import dev.tether.routing.balance.LoadBalancer;
import dev.tether.routing.balance.LoadBalancers;
import dev.tether.routing.balance.SlowStart;
import dev.tether.routing.config.BackendConfig;
import dev.tether.routing.config.ServerConfig;
import dev.tether.routing.model.Server;
import dev.tether.routing.model.ServerState;
import dev.tether.routing.sticky.StickTable;
import dev.tether.routing.sticky.StickyCookies;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One backend inside a {@link RoutingTable}: its servers with their current state, its balancer, its cookie codec,
 * and a cache of the {@code Forward} decisions that leave the cookie alone.
 *
 * <p>Those decisions (a sticky hit, a pinned request, a balanced request on a backend without cookie) are the same
 * few values over and over, so they are built once per table and reused: the common decisions allocate nothing. The
 * cache fills lazily; two threads racing on a slot build equal immutable records, and either may win.
 */
final class BackendSnapshot {

    private static final int REASONS = Reason.values().length;
    private static final int STATUSES = CookieStatus.values().length;
    /** Servers compared by reference in {@link #indexOf} before the name lookup. */
    private static final int IDENTITY_SCAN = 8;

    final BackendConfig config;
    final List<Server> servers;
    final Map<String, Integer> index;
    final StickyCookies cookies;
    /** Shared by every snapshot of this backend until a reload changes its stick-table settings; or {@code null}. */
    final StickTable stick;
    final LoadBalancer balancer;
    // Per server index, the slow start of a server that came back up, or null; the array is null when none ramps.
    final SlowStart[] ramps;
    // Per server index while ramps is set: its weight over the weights of the usable servers of its kind.
    final double[] shares;
    private final RouteDecision.Forward[][] keep;

    BackendSnapshot(
            BackendConfig config,
            List<Server> servers,
            Map<String, Integer> index,
            StickyCookies cookies,
            StickTable stick,
            int routes) {
        this(config, servers, index, cookies, stick, routes, null);
    }

    private BackendSnapshot(
            BackendConfig config,
            List<Server> servers,
            Map<String, Integer> index,
            StickyCookies cookies,
            StickTable stick,
            int routes,
            SlowStart[] ramps) {
        this.config = config;
        this.servers = servers;
        this.index = index;
        this.cookies = cookies;
        this.stick = stick;
        this.balancer = LoadBalancers.create(config.balance(), servers);
        this.keep = new RouteDecision.Forward[routes + 1][];
        this.ramps = ramps;
        this.shares = ramps == null ? null : shares(servers);
    }

    /** Each server's weight over the weights of the servers that take new sessions, primaries and backups apart. */
    private static double[] shares(List<Server> servers) {
        long primary = 0;
        long backup = 0;
        for (Server s : servers) {
            if (s.state().acceptsNew()) {
                if (s.config().backup()) {
                    backup += s.config().weight();
                } else {
                    primary += s.config().weight();
                }
            }
        }
        double[] shares = new double[servers.size()];
        for (int i = 0; i < shares.length; i++) {
            ServerConfig c = servers.get(i).config();
            long total = c.backup() ? backup : primary;
            shares[i] = total == 0 ? 0 : (double) c.weight() / total;
        }
        return shares;
    }

    /**
     * This backend with one server in a new state, or {@code this} when nothing changes. A server that comes back
     * from {@code DOWN} or {@code MAINT} to {@code UP} with {@code slowStartMillis > 0} starts a slow start at
     * {@code nowMillis}; one that leaves {@code UP} and {@code DRAIN} loses its ramp.
     */
    BackendSnapshot withState(String server, ServerState state, long nowMillis, long slowStartMillis) {
        Integer i = index.get(server);
        if (i == null || servers.get(i).state() == state) {
            return this;
        }
        List<Server> updated = new ArrayList<>(servers);
        Server old = servers.get(i);
        updated.set(i, new Server(config.name(), old.config(), state, old.id()));
        SlowStart ramp = ramps == null ? null : ramps[i];
        if (!state.acceptsSticky()) {
            ramp = null;
        } else if (state == ServerState.UP && !old.state().acceptsSticky() && slowStartMillis > 0) {
            ramp = new SlowStart(nowMillis, slowStartMillis);
        }
        return new BackendSnapshot(config, List.copyOf(updated), index, cookies, stick, keep.length - 1,
                withRamp(i, ramp));
    }

    /** This backend keeping {@code table} as its stick table (a reload that left the table's settings alone). */
    BackendSnapshot withStickTable(StickTable table) {
        return new BackendSnapshot(config, servers, index, cookies, table, keep.length - 1, ramps);
    }

    /** This backend with these ramps (per server index, null entries for none), or {@code this} when it has none. */
    BackendSnapshot withRamps(SlowStart[] next) {
        SlowStart[] kept = compact(next);
        return kept == null && ramps == null ? this
                : new BackendSnapshot(config, servers, index, cookies, stick, keep.length - 1, kept);
    }

    /** This backend without the ramps that are over at {@code nowMillis}, or {@code this} when none is. */
    BackendSnapshot withoutFinishedRamps(long nowMillis) {
        if (ramps == null) {
            return this;
        }
        SlowStart[] left = ramps.clone();
        boolean changed = false;
        for (int i = 0; i < left.length; i++) {
            if (left[i] != null && left[i].over(nowMillis)) {
                left[i] = null;
                changed = true;
            }
        }
        return changed ? new BackendSnapshot(config, servers, index, cookies, stick, keep.length - 1, compact(left))
                : this;
    }

    private SlowStart[] withRamp(int server, SlowStart ramp) {
        if (ramps == null && ramp == null) {
            return null;
        }
        SlowStart[] next = ramps == null ? new SlowStart[servers.size()] : ramps.clone();
        next[server] = ramp;
        return compact(next);
    }

    private static SlowStart[] compact(SlowStart[] ramps) {
        for (SlowStart r : ramps) {
            if (r != null) {
                return ramps;
            }
        }
        return null;
    }

    int indexOf(Server server) {
        // The balancers hand out this snapshot's own Server objects: in a small backend a few reference compares
        // find one without hashing its name (once per balanced request). Any other Server is looked up by name.
        int scan = Math.min(servers.size(), IDENTITY_SCAN);
        for (int i = 0; i < scan; i++) {
            if (servers.get(i) == server) {
                return i;
            }
        }
        Integer i = index.get(server.name());
        return i == null ? -1 : i;
    }

    boolean stripCookie() {
        return cookies != null && cookies.editsRequest();
    }

    /** What a response from {@code server} does to the cookie when the router sets none itself. */
    CookieAction responseAction(int server) {
        return cookies == null ? CookieAction.KEEP : cookies.responseAction(server);
    }

    /**
     * A {@code Forward} that sets no cookie of its own, from the cache: {@link CookieAction#KEEP}, or in rewrite and
     * prefix mode the server's {@link CookieAction.Rewrite}.
     */
    RouteDecision.Forward keep(int slot, String rule, int server, Reason reason, CookieStatus status) {
        RouteDecision.Forward[] row = keep[slot];
        if (row == null) {
            row = new RouteDecision.Forward[servers.size() * REASONS * STATUSES];
            keep[slot] = row;
        }
        int k = (server * REASONS + reason.ordinal()) * STATUSES + status.ordinal();
        RouteDecision.Forward f = row[k];
        if (f == null) {
            f = new RouteDecision.Forward(servers.get(server), reason, rule, status, responseAction(server),
                    stripCookie());
            row[k] = f;
        }
        return f;
    }
}
