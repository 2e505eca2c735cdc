package dev.tether.routing;

import dev.tether.routing.config.BackendConfig;
import dev.tether.routing.config.RouteConfig;
import dev.tether.routing.config.RouteMatch;
import dev.tether.routing.config.StickyCookieConfig;
import dev.tether.routing.config.UnavailablePolicy;
import dev.tether.routing.model.Server;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides where a request goes. Stateless apart from its clock and load signal; safe for any thread.
 *
 * <p>{@link #route} returns:
 * <ul>
 *   <li>{@code Forward(STICKY_COOKIE)} when the backend's cookie names a server that accepts sticky traffic;
 *   <li>{@code Forward(PATH_RULE)} when a rule pins a usable server;
 *   <li>{@code Reject(503, PINNED_SERVER_UNAVAILABLE)} when a {@code refuse} rule's server is unusable;
 *   <li>{@code Forward(BALANCED)} from the backend's balancer otherwise, with a cookie to set;
 *   <li>{@code Reject(503, NO_SERVER_UP)} when no server accepts new sessions;
 *   <li>{@code Reject(404, NO_ROUTE)} when no rule matched and there is no default backend.
 * </ul>
 */
public final class Router {

    private final LoadSignal load;

    public Router(LoadSignal load) {
        this.load = load;
    }

    public Router() {
        this(LoadSignal.NONE);
    }

    public RouteDecision route(RequestView request, RoutingTable table) {
        RouteConfig rule = firstMatch(request, table.config().routes());
        String backendName = rule != null ? rule.backend() : table.config().defaultBackend();
        String ruleName = rule != null ? rule.name() : "default";
        if (backendName == null) {
            return new RouteDecision.Reject(404, Reason.NO_ROUTE, ruleName, "no route for this request");
        }
        BackendConfig backend = table.config().backend(backendName);
        StickyCookieConfig cookie = backend.cookie();
        CookieStatus cookieStatus = CookieStatus.NONE;
        if (cookie != null) {
            String value = request.cookie(cookie.name());
            if (value != null) {
                Server named = table.server(backendName, value);
                if (named == null) {
                    cookieStatus = CookieStatus.SERVER_UNKNOWN;
                } else if (named.state().acceptsSticky()) {
                    return new RouteDecision.Forward(
                            named, Reason.STICKY_COOKIE, ruleName, CookieStatus.VALID, CookieAction.KEEP,
                            cookie.indirect());
                } else {
                    cookieStatus = CookieStatus.SERVER_DOWN;
                    if (!backend.redispatch()) {
                        return new RouteDecision.Reject(
                                503, Reason.NO_SERVER_UP, ruleName, "the server of this session is unavailable");
                    }
                }
            }
        }
        if (rule != null && rule.useServer() != null) {
            Server pinned = table.server(backendName, rule.useServer());
            if (pinned.state().acceptsSticky()) {
                return forward(pinned, Reason.PATH_RULE, ruleName, cookieStatus, cookie);
            }
            if (rule.onUnavailable() == UnavailablePolicy.REFUSE) {
                return new RouteDecision.Reject(
                        503, Reason.PINNED_SERVER_UNAVAILABLE, ruleName, "server " + pinned.id() + " is unavailable");
            }
        }
        Server picked = pick(table, backendName, Set.of());
        if (picked == null) {
            return new RouteDecision.Reject(503, Reason.NO_SERVER_UP, ruleName, "no server is available");
        }
        Reason reason = cookieStatus == CookieStatus.SERVER_DOWN ? Reason.REDISPATCHED : Reason.BALANCED;
        return forward(picked, reason, ruleName, cookieStatus, cookie);
    }

    /**
     * Chooses another server after {@code failed} could not serve the request, avoiding the servers in
     * {@code avoid} (ids as {@link Server#id()}). Returns {@code Reject(503)} when none is left.
     */
    public RouteDecision reroute(
            RequestView request, RoutingTable table, RouteDecision.Forward failed, Set<String> avoid) {
        String backendName = failed.server().backend();
        Server picked = pick(table, backendName, avoid);
        if (picked == null) {
            return new RouteDecision.Reject(503, Reason.NO_SERVER_UP, failed.rule(), "no other server is available");
        }
        BackendConfig backend = table.config().backend(backendName);
        return forward(picked, Reason.REDISPATCHED, failed.rule(), failed.cookieStatus(), backend.cookie());
    }

    private RouteDecision.Forward forward(
            Server server, Reason reason, String rule, CookieStatus status, StickyCookieConfig cookie) {
        CookieAction action = CookieAction.KEEP;
        if (cookie != null) {
            action = new CookieAction.Set(cookie.name() + "=" + server.name() + "; Path=/"
                    + (cookie.httpOnly() ? "; HttpOnly" : "") + (cookie.secure() ? "; Secure" : ""), cookie.nocache());
        }
        return new RouteDecision.Forward(server, reason, rule, status, action, cookie != null && cookie.indirect());
    }

    private Server pick(RoutingTable table, String backend, Set<String> avoid) {
        List<Server> servers = table.servers(backend);
        Server s = pickAmong(table, backend, servers, avoid, false);
        return s != null ? s : pickAmong(table, backend, servers, avoid, true);
    }

    private Server pickAmong(RoutingTable table, String backend, List<Server> servers, Set<String> avoid,
            boolean backup) {
        int n = servers.size();
        int start = Math.floorMod(table.cursor(backend).getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            Server s = servers.get((start + i) % n);
            if (s.config().backup() == backup && s.state().acceptsNew() && s.config().weight() > 0
                    && !avoid.contains(s.id())) {
                return s;
            }
        }
        return null;
    }

    private static RouteConfig firstMatch(RequestView request, List<RouteConfig> routes) {
        for (RouteConfig r : routes) {
            if (matches(r.match(), request)) {
                return r;
            }
        }
        return null;
    }

    private static boolean matches(RouteMatch m, RequestView request) {
        String path = request.path();
        if (m.pathPrefix() != null && !path.startsWith(m.pathPrefix())) {
            return false;
        }
        if (m.pathExact() != null && !path.equals(m.pathExact())) {
            return false;
        }
        if (m.pathRegex() != null && !Pattern.matches(m.pathRegex(), path)) {
            return false;
        }
        if (m.host() != null && !m.host().equalsIgnoreCase(request.host())) {
            return false;
        }
        if (m.headerName() != null) {
            String value = request.header(m.headerName());
            if (value == null || (m.headerValue() != null && !m.headerValue().equals(value))) {
                return false;
            }
        }
        return true;
    }
}
