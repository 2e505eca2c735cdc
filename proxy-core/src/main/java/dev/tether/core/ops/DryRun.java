package dev.tether.core.ops;

import dev.tether.core.log.Json;
import dev.tether.routing.CookieAction;
import dev.tether.routing.LoadSignal;
import dev.tether.routing.RequestHead;
import dev.tether.routing.RouteDecision;
import dev.tether.routing.Router;
import dev.tether.routing.ShardPins;
import dev.tether.routing.RoutingTable;
import dev.tether.routing.config.BackendConfig;
import dev.tether.routing.model.Server;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Asks the router where a request would go, without sending it: {@code GET /api/route} and {@code tether route}.
 *
 * <p>The decision is taken on a private copy of the current table (same configuration, same server states), so the
 * dry run never advances the live balancers' schedules. Pins, cookies and rules answer exactly as for a real
 * request; a {@code BALANCED} answer names the server the copy's balancer picked, which a real request may not get
 * (the live balancer has moved on).
 */
public final class DryRun {

    private final Router router;

    /** @param load requests in flight per server, as the live router reads them */
    public DryRun(LoadSignal load) {
        this(load, ShardPins.NONE);
    }

    /**
     * @param load requests in flight per server, as the live router reads them
     * @param pins shard pins that answer without pinning or extending anything ({@link ShardPinTable#readOnly()}):
     *     asking where a request would go must not keep a base on its old server
     */
    public DryRun(LoadSignal load, ShardPins pins) {
        this.router = new Router(load, System::currentTimeMillis, pins);
    }

    /**
     * The decision for a request.
     *
     * @param method upper-case method
     * @param target path with an optional query ({@code /x?y=1})
     * @param host Host header or {@code null}
     * @param cookies {@code NAME=VALUE} pairs, sent as one Cookie header
     * @param headers {@code Name: value} pairs
     */
    public RouteDecision route(
            RoutingTable live, String method, String target, String host, List<String> cookies, List<String> headers) {
        Map<String, String> head = new LinkedHashMap<>();
        for (String h : headers) {
            int colon = h.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("header = " + h + " (expected Name: value)");
            }
            head.putIfAbsent(h.substring(0, colon).strip(), h.substring(colon + 1).strip());
        }
        if (host != null) {
            head.put("host", host);
        }
        if (!cookies.isEmpty()) {
            for (String c : cookies) {
                if (c.indexOf('=') <= 0) {
                    throw new IllegalArgumentException("cookie = " + c + " (expected NAME=VALUE)");
                }
            }
            head.put("cookie", String.join("; ", cookies));
        }
        return router.route(RequestHead.of(method, target, head, "127.0.0.1"), copy(live));
    }

    /** The same configuration and server states, with balancers of its own. */
    static RoutingTable copy(RoutingTable live) {
        RoutingTable copy = RoutingTable.compile(live.config());
        for (BackendConfig b : live.config().backends()) {
            for (Server s : live.servers(b.name())) {
                copy = copy.withServerState(b.name(), s.name(), s.state());
            }
        }
        return copy;
    }

    /** The decision as JSON: {@code {"decision":"forward","backend":..,"server":..,"reason":..}}. */
    public static String json(RouteDecision decision) {
        StringBuilder out = new StringBuilder(256);
        if (decision instanceof RouteDecision.Forward f) {
            out.append("{\"decision\":\"forward\",\"backend\":");
            Json.string(out, f.server().backend());
            out.append(",\"server\":");
            Json.string(out, f.server().name());
            out.append(",\"state\":");
            Json.string(out, f.server().state().name());
            out.append(",\"reason\":");
            Json.string(out, f.reason().name());
            out.append(",\"rule\":");
            Json.string(out, f.rule());
            out.append(",\"cookieStatus\":");
            Json.string(out, f.cookieStatus().name());
            out.append(",\"setCookie\":");
            Json.string(out, f.cookieAction() instanceof CookieAction.Set set ? set.setCookieValue() : null);
            // Rewrite and prefix mode: what the server's own Set-Cookie of that cookie would become.
            out.append(",\"cookieEdit\":");
            Json.string(out, f.cookieAction() instanceof CookieAction.Rewrite w
                    ? (w.prefix() ? "prefix " + w.value() + "~" : "rewrite " + w.value()) : null);
            out.append('}');
        } else if (decision instanceof RouteDecision.Reject r) {
            out.append("{\"decision\":\"reject\",\"status\":").append(r.status()).append(",\"reason\":");
            Json.string(out, r.reason().name());
            out.append(",\"rule\":");
            Json.string(out, r.rule());
            out.append(",\"message\":");
            Json.string(out, r.message());
            out.append('}');
        }
        return out.append('\n').toString();
    }
}
