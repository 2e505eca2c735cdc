package dev.tether.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.routing.config.BackendConfig;
import dev.tether.routing.config.BalanceAlgorithm;
import dev.tether.routing.config.HashConfig;
import dev.tether.routing.config.RouteConfig;
import dev.tether.routing.config.RouteMatch;
import dev.tether.routing.config.RoutingConfig;
import dev.tether.routing.config.ServerConfig;
import dev.tether.routing.config.StickyCookieConfig;
import dev.tether.routing.config.UnavailablePolicy;
import dev.tether.routing.config.UuidMapConfig;
import dev.tether.routing.model.ServerState;
import dev.tether.routing.sticky.StickyCookies;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The embedding example for the README: a Java server that is not Tether builds a routing configuration by hand
 * and asks the engine where each request goes. Everything here is proxy-routing's public API; no Netty.
 */
class EmbeddingExampleTest {

    @Test
    void embedTheRoutingEngine() {
        // 1. Describe the servers. Names are stable: cookies are derived from them.
        BackendConfig seatable = new BackendConfig("seatable", BalanceAlgorithm.LEAST_CONNECTIONS, List.of(
                        ServerConfig.of("pro-ha-1", "10.0.0.1", 80),
                        ServerConfig.of("pro-ha-2", "10.0.0.2", 80)),
                new StickyCookieConfig("server-pro-ha", true, true, true, true, null,
                        Duration.ofHours(24), Duration.ZERO, "a-secret-of-at-least-16-characters"),
                3, true);
        BackendConfig dtables = new BackendConfig("dtables", BalanceAlgorithm.ROUND_ROBIN, List.of(
                        ServerConfig.of("dtable1", "10.0.1.1", 5000),
                        ServerConfig.of("dtable2", "10.0.1.2", 5000)),
                null, 1, false);

        // 2. Rules, first match wins: /git/ is pinned, bases are sharded by UUID, tenants hashed, the rest balanced.
        RoutingConfig config = new RoutingConfig(List.of(
                        new RouteConfig("git", RouteMatch.pathPrefix("/git/"), "seatable", "pro-ha-1",
                                UnavailablePolicy.FALLBACK),
                        RouteConfig.uuidMap("bases", RouteMatch.pathPrefix("/dtable-server/"), "dtables",
                                new UuidMapConfig(null, Map.of("0-9", "dtable1", "a-f", "dtable2"),
                                        Map.of("ff84e1a1-66e2", "dtable1"), null, UnavailablePolicy.REFUSE)),
                        RouteConfig.hash("tenants", RouteMatch.pathPrefix("/api/"), "seatable",
                                HashConfig.of("header:X-Tenant"))),
                List.of(seatable, dtables), "seatable");

        // 3. Compile once; swap a new table in when health changes. The router is stateless and thread-safe.
        AtomicReference<RoutingTable> table = new AtomicReference<>(RoutingTable.compile(config));
        Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
        Router router = new Router(server -> inFlight.computeIfAbsent(server.id(), k -> new AtomicInteger()).get());

        // 4. Route a request: the first one gets a cookie...
        RequestView first = RequestHead.of("GET", "/index.html", Map.of("Host", "cloud.example.com"), "192.0.2.7");
        RouteDecision decision = router.route(first, table.get());
        RouteDecision.Forward forward = (RouteDecision.Forward) decision;
        assertThat(forward.reason()).isEqualTo(Reason.BALANCED);
        String setCookie = ((CookieAction.Set) forward.cookieAction()).setCookieValue();
        assertThat(setCookie).startsWith("server-pro-ha=").contains("; HttpOnly; Secure");

        // ...which the next requests carry back to the same server.
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        RequestView next = RequestHead.of("GET", "/dashboard/", Map.of("Cookie", "lang=en; " + cookie), "192.0.2.7");
        RouteDecision.Forward again = (RouteDecision.Forward) router.route(next, table.get());
        assertThat(again.server()).isEqualTo(forward.server());
        assertThat(again.cookieStatus()).isEqualTo(CookieStatus.VALID);
        // indirect: hide our cookie from the application.
        assertThat(again.stripCookie()).isTrue();
        assertThat(StickyCookies.strip(next.header("Cookie"), "server-pro-ha")).isEqualTo("lang=en");

        // 5. A base always reaches its shard; when that shard is down the request is refused, never moved.
        RequestView base = RequestHead.of("GET",
                "/dtable-server/api/v1/dtables/ab12cd34-0000-4000-8000-000000000000/rows/?limit=10", Map.of(), null);
        assertThat(((RouteDecision.Forward) router.route(base, table.get())).server().name()).isEqualTo("dtable2");
        table.set(table.get().withServerState("dtables", "dtable2", ServerState.DOWN));
        RouteDecision.Reject refused = (RouteDecision.Reject) router.route(base, table.get());
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.reason()).isEqualTo(Reason.PINNED_SERVER_UNAVAILABLE);
    }
}
