package dev.tether.routing;

import dev.tether.routing.balance.LoadBalancer;
import dev.tether.routing.balance.LoadBalancers;
import dev.tether.routing.config.BackendConfig;
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

    final BackendConfig config;
    final List<Server> servers;
    final Map<String, Integer> index;
    final StickyCookies cookies;
    /** Shared by every snapshot of this backend until a reload changes its stick-table settings; or {@code null}. */
    final StickTable stick;
    final LoadBalancer balancer;
    private final RouteDecision.Forward[][] keep;

    BackendSnapshot(
            BackendConfig config,
            List<Server> servers,
            Map<String, Integer> index,
            StickyCookies cookies,
            StickTable stick,
            int routes) {
        this.config = config;
        this.servers = servers;
        this.index = index;
        this.cookies = cookies;
        this.stick = stick;
        this.balancer = LoadBalancers.create(config.balance(), servers);
        this.keep = new RouteDecision.Forward[routes + 1][];
    }

    /** This backend with one server in a new state, or {@code this} when nothing changes. */
    BackendSnapshot withState(String server, ServerState state) {
        Integer i = index.get(server);
        if (i == null || servers.get(i).state() == state) {
            return this;
        }
        List<Server> updated = new ArrayList<>(servers);
        Server old = servers.get(i);
        updated.set(i, new Server(config.name(), old.config(), state, old.id()));
        return new BackendSnapshot(config, List.copyOf(updated), index, cookies, stick, keep.length - 1);
    }

    /** This backend keeping {@code table} as its stick table (a reload that left the table's settings alone). */
    BackendSnapshot withStickTable(StickTable table) {
        return new BackendSnapshot(config, servers, index, cookies, table, keep.length - 1);
    }

    int indexOf(Server server) {
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
