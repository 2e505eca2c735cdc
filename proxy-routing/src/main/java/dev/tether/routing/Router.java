package dev.tether.routing;

import dev.tether.routing.balance.SlowStart;
import dev.tether.routing.config.UnavailablePolicy;
import dev.tether.routing.match.UuidFinder;
import dev.tether.routing.model.Server;
import dev.tether.routing.model.ServerState;
import dev.tether.routing.sticky.StickTable;
import dev.tether.routing.sticky.StickyCookies;
import java.util.HashSet;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Decides where a request goes. Stateless apart from its clock and load signal (stick tables live in the backends of
 * the {@link RoutingTable}); safe for any thread.
 *
 * <p>Order of evaluation for {@link #route}:
 * <pre>
 *   first matching route (or the default backend)
 *     |
 *     +-- route pins a server (use-server, uuid map, hash) and the request has a key?
 *     |     uuid map with ShardPins: a key the map moved stays on its old server while active
 *     |     usable (UP or DRAIN)  -> Forward(PATH_RULE | UUID_PREFIX_MAP | HASH)
 *     |     refuse                -> Reject(503, PINNED_SERVER_UNAVAILABLE)
 *     |     fallback              -> hash: next server on the ring (REDISPATCHED); others: continue below
 *     |
 *     +-- backend cookie names a server?
 *     |     usable                -> Forward(STICKY_COOKIE, VALID), Set-Cookie only to refresh its date
 *     |     DRAIN, idle > drain-idle-timeout -> continue below, status DRAIN_IDLE, reason REDISPATCHED
 *     |                              (no other server: Forward(STICKY_COOKIE, DRAIN_IDLE) to the draining one)
 *     |     unusable, redispatch  -> continue below, status SERVER_DOWN, reason REDISPATCHED
 *     |     unusable, no redisp.  -> Reject(503, NO_SERVER_UP)
 *     |
 *     +-- backend stick table holds the request's key (source address, header or cookie)?
 *     |     usable                -> Forward(STICK_TABLE), Set-Cookie as for a pin
 *     |     refuse                -> Reject(503, PINNED_SERVER_UNAVAILABLE)
 *     |     fallback              -> continue below (REDISPATCHED); the key is stored with the new server
 *     |
 *     +-- balancer picks           -> Forward(BALANCED | REDISPATCHED) with a new Set-Cookie; a stick table
 *     |                               remembers the key with the picked server
 *           none                   -> Reject(503, NO_SERVER_UP)
 * </pre>
 * No matching route and no default backend gives {@code Reject(404, NO_ROUTE)}.
 *
 * <p>Pins come before the cookie, as HAProxy's {@code use-server} does, because a shard must never be served by
 * two servers. A pinned decision keeps a valid cookie (so the session's other traffic stays where it is) and sets
 * one only when the request had no usable cookie. Every decision reports what the cookie said.
 */
public final class Router {

    private final LoadSignal load;
    private final LongSupplier clock;
    private final ShardPins pins;

    /**
     * @param load requests in flight per server, read by least-connections and power-of-two
     * @param epochMillis the clock for cookie dates (max-idle, max-life)
     * @param pins asked for every request a {@code uuid-map} rule routes; {@link ShardPins#NONE} to follow the map
     */
    public Router(LoadSignal load, LongSupplier epochMillis, ShardPins pins) {
        this.load = load;
        this.clock = epochMillis;
        this.pins = pins;
    }

    /** A router without shard pins: {@code uuid-map} rules follow the current map. */
    public Router(LoadSignal load, LongSupplier epochMillis) {
        this(load, epochMillis, ShardPins.NONE);
    }

    public Router(LoadSignal load) {
        this(load, System::currentTimeMillis);
    }

    public Router() {
        this(LoadSignal.NONE);
    }

    /** Decides where {@code request} goes; see the class comment for every outcome. */
    public RouteDecision route(RequestView request, RoutingTable table) {
        CompiledRoute route = firstMatch(request, table);
        int slot = route != null ? route.index() : table.routes().length;
        BackendSnapshot backend = table.backendOfSlot(slot);
        String rule = route != null ? route.name() : "default";
        if (backend == null) {
            return new RouteDecision.Reject(404, Reason.NO_ROUTE, rule, "no route for this request");
        }
        StickyCookies cookies = backend.cookies;
        long now = 0;
        long cookie = 0;
        CookieStatus status = CookieStatus.NONE;
        int named = -1;
        if (cookies != null) {
            // Undated cookies need the time only to build a new value; skip the clock read on sticky hits.
            now = cookies.dated() ? clock.getAsLong() : 0;
            cookie = cookies.readRequest(request.cookie(cookies.config().name()), now);
            status = StickyCookies.status(cookie);
            named = StickyCookies.server(cookie);
            if (named >= 0) {
                ServerState state = backend.servers.get(named).state();
                if (!state.acceptsSticky()) {
                    status = CookieStatus.SERVER_DOWN;
                } else if (state == ServerState.DRAIN && StickyCookies.idleOverDrain(cookie)) {
                    status = CookieStatus.DRAIN_IDLE;
                }
            }
        }

        boolean pinFellBack = false;
        Pin pin = route != null ? route.pin() : null;
        if (pin != null) {
            int target = pin.target(request);
            if (target >= 0 && pins != ShardPins.NONE && pin instanceof Pin.UuidMap m) {
                target = shardPinned(request, backend, rule, m, target);
            }
            if (target >= 0) {
                Server pinned = backend.servers.get(target);
                if (pinned.state().acceptsSticky()) {
                    return pinned(backend, slot, rule, target, pin.reason(), status, cookie, now);
                }
                if (pin.policy() == UnavailablePolicy.REFUSE) {
                    return new RouteDecision.Reject(503, Reason.PINNED_SERVER_UNAVAILABLE, rule,
                            "server " + pinned.id() + " is unavailable and rule " + rule + " refuses to send its"
                                    + " requests elsewhere");
                }
                int next = pin.fallback(request, backend);
                if (next >= 0) {
                    return pinned(backend, slot, rule, next, Reason.REDISPATCHED, status, cookie, now);
                }
                pinFellBack = true;
            }
        }

        if (status == CookieStatus.VALID) {
            if (!StickyCookies.needsRefresh(cookie)) {
                return backend.keep(slot, rule, named, Reason.STICKY_COOKIE, CookieStatus.VALID);
            }
            return forwardSetting(backend, named, Reason.STICKY_COOKIE, rule, status,
                    cookies.setCookie(named, StickyCookies.firstSeen(cookie), now(now)));
        }
        if (status == CookieStatus.SERVER_DOWN && !backend.config.redispatch()) {
            return new RouteDecision.Reject(503, Reason.NO_SERVER_UP, rule,
                    "the server of this session is unavailable and backend " + backend.config.name()
                            + " does not redispatch");
        }
        StickTable stick = backend.stick;
        String stickKey = null;
        boolean stickMoved = false;
        if (stick != null) {
            stickKey = stick.key(request);
            String stuck = stickKey == null ? null : stick.server(stickKey);
            Integer at = stuck == null ? null : backend.index.get(stuck);
            if (at != null) {
                Server s = backend.servers.get(at);
                if (s.state().acceptsSticky()) {
                    return pinned(backend, slot, rule, at, Reason.STICK_TABLE, status, cookie, now);
                }
                if (stick.config().onUnavailable() == UnavailablePolicy.REFUSE) {
                    return new RouteDecision.Reject(503, Reason.PINNED_SERVER_UNAVAILABLE, rule,
                            "server " + s.id() + " is unavailable and the stick table of backend "
                                    + backend.config.name() + " refuses to move its clients");
                }
                stickMoved = true;
            }
        }
        Server picked = pick(backend, Set.of());
        if (picked == null && status == CookieStatus.DRAIN_IDLE) {
            // Nowhere else to go: the draining server keeps its idle session rather than turn it away.
            return forwardSetting(backend, named, Reason.STICKY_COOKIE, rule, status,
                    cookies.setCookie(named, StickyCookies.firstSeen(cookie), now));
        }
        if (picked == null) {
            return new RouteDecision.Reject(503, Reason.NO_SERVER_UP, rule,
                    "no server of backend " + backend.config.name() + " is available");
        }
        if (stickKey != null) {
            stick.stick(stickKey, picked.name());
        }
        Reason reason = pinFellBack || stickMoved || status == CookieStatus.SERVER_DOWN
                || status == CookieStatus.DRAIN_IDLE
                ? Reason.REDISPATCHED : Reason.BALANCED;
        int index = backend.indexOf(picked);
        if (cookies == null || !cookies.inserts()) {
            return backend.keep(slot, rule, index, reason, status);
        }
        return forwardSetting(backend, index, reason, rule, status, cookies.setCookie(index, now(now)));
    }

    /**
     * Chooses another server after {@code failed} could not serve the request, avoiding {@code failed}'s server
     * and the servers in {@code avoid} (ids as {@link Server#id()}).
     *
     * <p>Returns {@code Reject(503, PINNED_SERVER_UNAVAILABLE)} when {@code failed} was pinned by a {@code refuse}
     * rule or by a stick table that refuses, {@code Reject(503, NO_SERVER_UP)} when it followed a cookie on a backend
     * without redispatch or when no server is left, and otherwise {@code Forward(REDISPATCHED)} with a new cookie
     * for the new server. A {@code hash} route's key walks on along its ring (the next usable server not avoided);
     * other requests are balanced. Unless a rule pinned {@code failed}, the backend's stick table then holds the
     * new server for the request's key.
     *
     * <p>There is no precomputed list of fallbacks in a {@code Forward}: this method is that list, evaluated lazily
     * against the table and load of the moment (see proxy-routing/README.md, "Redispatch").
     */
    public RouteDecision reroute(
            RequestView request, RoutingTable table, RouteDecision.Forward failed, Set<String> avoid) {
        BackendSnapshot backend = table.backend(failed.server().backend());
        String rule = failed.rule();
        if (backend == null) {
            return new RouteDecision.Reject(503, Reason.NO_SERVER_UP, rule, "the backend is no longer configured");
        }
        CompiledRoute route = table.route(rule);
        boolean pinned = failed.reason() == Reason.PATH_RULE || failed.reason() == Reason.UUID_PREFIX_MAP
                || failed.reason() == Reason.HASH;
        if (pinned && route != null && route.pin() != null && route.pin().policy() == UnavailablePolicy.REFUSE) {
            return new RouteDecision.Reject(503, Reason.PINNED_SERVER_UNAVAILABLE, rule,
                    "server " + failed.server().id() + " failed and rule " + rule
                            + " refuses to send its requests elsewhere");
        }
        StickTable stick = backend.stick;
        if (failed.reason() == Reason.STICK_TABLE && stick != null
                && stick.config().onUnavailable() == UnavailablePolicy.REFUSE) {
            return new RouteDecision.Reject(503, Reason.PINNED_SERVER_UNAVAILABLE, rule,
                    "server " + failed.server().id() + " failed and the stick table of backend "
                            + backend.config.name() + " refuses to move its clients");
        }
        if (failed.reason() == Reason.STICKY_COOKIE && !backend.config.redispatch()) {
            return new RouteDecision.Reject(503, Reason.NO_SERVER_UP, rule,
                    "the server of this session failed and backend " + backend.config.name()
                            + " does not redispatch");
        }
        Set<String> skip = new HashSet<>(avoid);
        skip.add(failed.server().id());
        Server picked = null;
        if (route != null && route.pin() instanceof Pin.Hash hash) {
            // A hashed key walks its ring, as its fallback does: every retry of one key tries the same servers in
            // the same order, and the order is computed from the table and avoid set of this retry.
            int next = hash.walk(request, i -> {
                Server s = backend.servers.get(i);
                return s.state().acceptsSticky() && !skip.contains(s.id());
            });
            picked = next >= 0 ? backend.servers.get(next) : null;
        }
        if (picked == null) {
            picked = pick(backend, skip);
        }
        if (picked == null) {
            return new RouteDecision.Reject(503, Reason.NO_SERVER_UP, rule, "no other server is available");
        }
        String stickKey = stick == null || pinned ? null : stick.key(request);
        if (stickKey != null) {
            stick.stick(stickKey, picked.name());
        }
        int index = backend.indexOf(picked);
        if (backend.cookies == null || !backend.cookies.inserts()) {
            return new RouteDecision.Forward(picked, Reason.REDISPATCHED, rule, failed.cookieStatus(),
                    backend.responseAction(index), backend.stripCookie());
        }
        return forwardSetting(backend, index, Reason.REDISPATCHED, rule, failed.cookieStatus(),
                backend.cookies.setCookie(index, clock.getAsLong()));
    }

    /**
     * The server a uuid-map key goes to once {@link #pins} had its say: its old server while the key is active
     * there, else {@code mapped}. Whatever comes back is then treated exactly as if the map had named it, so a
     * pinned old server that is DOWN or in MAINT gets the rule's on-unavailable (by default a 503: a base is never
     * opened on a second server while the first may still hold it).
     */
    private int shardPinned(RequestView request, BackendSnapshot backend, String rule, Pin.UuidMap m, int mapped) {
        String path = request.path();
        long region = m.map().keyRegion(path);
        if (region < 0) {
            return mapped; // cannot happen: the map found a key in the same path
        }
        String chosen = pins.route(rule, path.subSequence(UuidFinder.start(region), UuidFinder.end(region)),
                backend.servers.get(mapped).name(), backend.index::containsKey);
        Integer index = backend.index.get(chosen);
        return index != null ? index : mapped;
    }

    /**
     * The balancer's pick, unless it is a server in slow start that does not admit this session (see
     * {@link SlowStart}): then the balancer picks again without it. When every candidate is ramping and refuses, or
     * only backup servers are left, the first pick serves anyway: a slow start never turns a request away, and a
     * backup server still takes traffic only while no primary is usable.
     */
    private Server pick(BackendSnapshot backend, Set<String> avoid) {
        Server first = backend.balancer.pick(load, avoid);
        SlowStart[] ramps = backend.ramps;
        if (first == null || ramps == null) {
            return first;
        }
        long now = clock.getAsLong();
        for (int i = 0; i < ramps.length; i++) {
            if (ramps[i] != null) {
                ramps[i].countPick(now, backend.shares[i]);
            }
        }
        Set<String> skip = null;
        for (Server s = first; s != null; s = backend.balancer.pick(load, skip)) {
            if (s.config().backup() != first.config().backup()) {
                break; // a backup never serves because a primary is ramping up
            }
            int i = backend.indexOf(s);
            if (ramps[i] == null || ramps[i].admit(now)) {
                return s;
            }
            if (skip == null) {
                skip = new HashSet<>(avoid);
            }
            skip.add(s.id());
        }
        return first;
    }

    /** The time already read, or the clock when it was skipped. */
    private long now(long read) {
        return read != 0 ? read : clock.getAsLong();
    }

    private RouteDecision.Forward pinned(
            BackendSnapshot backend, int slot, String rule, int server, Reason reason, CookieStatus status,
            long cookie, long now) {
        StickyCookies cookies = backend.cookies;
        if (cookies == null || !cookies.inserts()
                || status == CookieStatus.VALID && !StickyCookies.needsRefresh(cookie)) {
            return backend.keep(slot, rule, server, reason, status);
        }
        if (status == CookieStatus.VALID) {
            int named = StickyCookies.server(cookie);
            return forwardSetting(backend, server, reason, rule, status,
                    cookies.setCookie(named, StickyCookies.firstSeen(cookie), now(now)));
        }
        return forwardSetting(backend, server, reason, rule, status, cookies.setCookie(server, now(now)));
    }

    private static RouteDecision.Forward forwardSetting(
            BackendSnapshot backend, int server, Reason reason, String rule, CookieStatus status, String setCookie) {
        return new RouteDecision.Forward(backend.servers.get(server), reason, rule, status,
                new CookieAction.Set(setCookie, backend.cookies.config().nocache()), backend.stripCookie());
    }

    /**
     * The first route in configuration order that matches; only routes whose required path prefix the path starts
     * with are tried, and that prefix is not checked again.
     */
    private static CompiledRoute firstMatch(RequestView request, RoutingTable table) {
        CompiledRoute[] routes = table.routes();
        for (int i : table.candidates(request.path())) {
            CompiledRoute r = routes[i];
            if (r.matcher().matchesIndexed(request)) {
                return r;
            }
        }
        return null;
    }
}
