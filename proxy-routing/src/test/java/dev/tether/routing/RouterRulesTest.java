package dev.tether.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.routing.config.BackendConfig;
import dev.tether.routing.config.BalanceAlgorithm;
import dev.tether.routing.config.RouteConfig;
import dev.tether.routing.config.RouteMatch;
import dev.tether.routing.config.RoutingConfig;
import dev.tether.routing.config.ServerConfig;
import dev.tether.routing.config.StickyCookieConfig;
import dev.tether.routing.config.UnavailablePolicy;
import dev.tether.routing.config.UuidMapConfig;
import dev.tether.routing.model.ServerState;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RouterRulesTest {

    private static final String BASE_0 = "0f2b3c1e-1234-4a5b-8c9d-0123456789ab";
    private static final String BASE_A = "af2b3c1e-1234-4a5b-8c9d-0123456789ab";
    private static final String BASE_OVERRIDE = "ff84e1a1-66e2-4a5b-8c9d-0123456789ab";

    private final Router router = new Router();

    private static RoutingTable table(StickyCookieConfig cookie, UnavailablePolicy gitPolicy,
            UnavailablePolicy mapPolicy) {
        BackendConfig seatable = new BackendConfig("seatable", BalanceAlgorithm.ROUND_ROBIN, List.of(
                        ServerConfig.of("pro-ha-1", "127.0.0.1", 8081),
                        ServerConfig.of("pro-ha-2", "127.0.0.1", 8082)),
                cookie, 3, true);
        BackendConfig dtable = new BackendConfig("dtable", BalanceAlgorithm.ROUND_ROBIN, List.of(
                        ServerConfig.of("dtable1", "127.0.0.1", 9081),
                        ServerConfig.of("dtable2", "127.0.0.1", 9082),
                        ServerConfig.of("dtable3", "127.0.0.1", 9083)),
                cookie, 3, true);
        UuidMapConfig map = new UuidMapConfig(null, Map.of("0-9", "dtable1", "a-f", "dtable2"),
                Map.of("ff84e1a1-66e2", "dtable3"), null, mapPolicy);
        List<RouteConfig> routes = List.of(
                new RouteConfig("git", RouteMatch.pathPrefix("/git/"), "seatable", "pro-ha-1", gitPolicy),
                RouteConfig.uuidMap("dtables", RouteMatch.pathPrefix("/dtable-server/"), "dtable", map),
                RouteConfig.to("admin", new RouteMatch(null, null, null, "admin.example.com", null, null),
                        "seatable"));
        return RoutingTable.compile(new RoutingConfig(routes, List.of(seatable, dtable), "seatable"));
    }

    private static RoutingTable table() {
        return table(null, UnavailablePolicy.FALLBACK, null);
    }

    private static RouteDecision.Forward forward(RouteDecision d) {
        assertThat(d).isInstanceOf(RouteDecision.Forward.class);
        return (RouteDecision.Forward) d;
    }

    private static RouteDecision.Reject reject(RouteDecision d) {
        assertThat(d).isInstanceOf(RouteDecision.Reject.class);
        return (RouteDecision.Reject) d;
    }

    @Test
    void gitAlwaysReachesItsPinnedServer() {
        RoutingTable t = table();
        for (int i = 0; i < 50; i++) {
            RouteDecision.Forward d = forward(router.route(TestRequest.get("/git/repo/" + i), t));
            assertThat(d.server().id()).isEqualTo("seatable/pro-ha-1");
            assertThat(d.reason()).isEqualTo(Reason.PATH_RULE);
            assertThat(d.rule()).isEqualTo("git");
        }
    }

    @Test
    void everyRequestForOneBaseHitsOneServer() {
        RoutingTable t = table();
        for (int i = 0; i < 200; i++) {
            String base = UUID.randomUUID().toString();
            String expected = forward(router.route(TestRequest.get("/dtable-server/api/v1/dtables/" + base), t))
                    .server().name();
            for (String suffix : List.of("/rows/", "/columns/", "/")) {
                RouteDecision.Forward d = forward(
                        router.route(TestRequest.get("/dtable-server/api/v1/dtables/" + base + suffix), t));
                assertThat(d.server().name()).isEqualTo(expected);
                assertThat(d.reason()).isEqualTo(Reason.UUID_PREFIX_MAP);
            }
            assertThat(expected).isEqualTo(base.startsWith("ff84e1a1-66e2") ? "dtable3"
                    : Character.digit(base.charAt(0), 16) < 10 ? "dtable1" : "dtable2");
        }
        assertThat(forward(router.route(TestRequest.get("/dtable-server/x/" + BASE_OVERRIDE), t)).server().name())
                .isEqualTo("dtable3");
    }

    @Test
    void aShardMapRefusesByDefaultWhenItsServerIsDown() {
        RoutingTable t = table().withServerState("dtable", "dtable2", ServerState.DOWN);
        RouteDecision.Reject r = reject(router.route(TestRequest.get("/dtable-server/" + BASE_A), t));
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.reason()).isEqualTo(Reason.PINNED_SERVER_UNAVAILABLE);
        assertThat(r.rule()).isEqualTo("dtables");
        assertThat(r.message()).contains("dtable/dtable2").contains("refuses");
        assertThat(forward(router.route(TestRequest.get("/dtable-server/" + BASE_0), t)).server().name())
                .isEqualTo("dtable1");
    }

    @Test
    void aFallbackShardMapBalancesWhenItsServerIsDown() {
        RoutingTable t = table(null, UnavailablePolicy.FALLBACK, UnavailablePolicy.FALLBACK)
                .withServerState("dtable", "dtable2", ServerState.MAINT);
        RouteDecision.Forward d = forward(router.route(TestRequest.get("/dtable-server/" + BASE_A), t));
        assertThat(d.server().name()).isNotEqualTo("dtable2");
        assertThat(d.reason()).isEqualTo(Reason.REDISPATCHED);
    }

    @Test
    void aDrainingShardServerKeepsItsBases() {
        RoutingTable t = table().withServerState("dtable", "dtable2", ServerState.DRAIN);
        assertThat(forward(router.route(TestRequest.get("/dtable-server/" + BASE_A), t)).server().name())
                .isEqualTo("dtable2");
    }

    @Test
    void aPathWithoutUuidIsBalancedInTheRouteBackend() {
        RouteDecision.Forward d = forward(router.route(TestRequest.get("/dtable-server/ping/"), table()));
        assertThat(d.server().backend()).isEqualTo("dtable");
        assertThat(d.reason()).isEqualTo(Reason.BALANCED);
        assertThat(d.rule()).isEqualTo("dtables");
    }

    @ParameterizedTest
    @EnumSource(value = ServerState.class, names = {"DOWN", "MAINT"})
    void useServerFallbackAndRefuse(ServerState state) {
        RoutingTable fallback = table().withServerState("seatable", "pro-ha-1", state);
        RouteDecision.Forward d = forward(router.route(TestRequest.get("/git/x"), fallback));
        assertThat(d.server().name()).isEqualTo("pro-ha-2");
        assertThat(d.reason()).isEqualTo(Reason.REDISPATCHED);

        RoutingTable refuse = table(null, UnavailablePolicy.REFUSE, null).withServerState("seatable", "pro-ha-1",
                state);
        assertThat(reject(router.route(TestRequest.get("/git/x"), refuse)).reason())
                .isEqualTo(Reason.PINNED_SERVER_UNAVAILABLE);
    }

    @Test
    void firstMatchingRuleWinsAndTheRestGoesToTheDefaultBackend() {
        RoutingTable t = table();
        RouteDecision.Forward admin = forward(router.route(TestRequest.get("/git/x").host("admin.example.com"), t));
        assertThat(admin.rule()).isEqualTo("git");
        RouteDecision.Forward host = forward(router.route(TestRequest.get("/").host("admin.example.com"), t));
        assertThat(host.rule()).isEqualTo("admin");
        assertThat(host.reason()).isEqualTo(Reason.BALANCED);
        RouteDecision.Forward other = forward(router.route(TestRequest.get("/elsewhere"), t));
        assertThat(other.rule()).isEqualTo("default");
        assertThat(other.server().backend()).isEqualTo("seatable");
    }

    @Test
    void noRuleAndNoDefaultBackendIs404() {
        BackendConfig app = new BackendConfig("app", BalanceAlgorithm.ROUND_ROBIN,
                List.of(ServerConfig.of("s", "127.0.0.1", 1)), null, 0, false);
        RoutingTable t = RoutingTable.compile(new RoutingConfig(
                List.of(RouteConfig.to("api", RouteMatch.pathPrefix("/api/"), "app")), List.of(app), null));
        RouteDecision.Reject r = reject(router.route(TestRequest.get("/"), t));
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.reason()).isEqualTo(Reason.NO_ROUTE);
    }

    @Test
    void aPinnedRequestKeepsAValidCookieAndSetsOneOtherwise() {
        RoutingTable t = table(StickyCookieConfig.insert("srv"), UnavailablePolicy.FALLBACK, null);
        String toHa2 = t.cookies("seatable").id(1);
        RouteDecision.Forward kept = forward(router.route(TestRequest.get("/git/x").cookie("srv", toHa2), t));
        assertThat(kept.server().name()).isEqualTo("pro-ha-1");
        assertThat(kept.cookieStatus()).isEqualTo(CookieStatus.VALID);
        assertThat(kept.cookieAction()).isEqualTo(CookieAction.KEEP);

        RouteDecision.Forward set = forward(router.route(TestRequest.get("/git/x"), t));
        assertThat(set.cookieStatus()).isEqualTo(CookieStatus.NONE);
        assertThat(((CookieAction.Set) set.cookieAction()).setCookieValue())
                .startsWith("srv=" + t.cookies("seatable").id(0) + ";");

        // A cookie naming another server does not move a shard.
        String toDtable1 = t.cookies("dtable").id(0);
        RouteDecision.Forward shard =
                forward(router.route(TestRequest.get("/dtable-server/" + BASE_A).cookie("srv", toDtable1), t));
        assertThat(shard.server().name()).isEqualTo("dtable2");
        assertThat(shard.reason()).isEqualTo(Reason.UUID_PREFIX_MAP);
    }

    @Test
    void rerouteNeverMovesARefusingShard() {
        RoutingTable t = table();
        RouteDecision.Forward d = forward(router.route(TestRequest.get("/dtable-server/" + BASE_A), t));
        RouteDecision.Reject r = reject(router.reroute(TestRequest.get("/dtable-server/" + BASE_A), t, d, Set.of()));
        assertThat(r.reason()).isEqualTo(Reason.PINNED_SERVER_UNAVAILABLE);

        RouteDecision.Forward git = forward(router.route(TestRequest.get("/git/"), t));
        assertThat(forward(router.reroute(TestRequest.get("/git/"), t, git, Set.of())).server().name())
                .isEqualTo("pro-ha-2");
    }

    @Test
    void compileReportsEveryBadRule() {
        BackendConfig app = new BackendConfig("app", BalanceAlgorithm.ROUND_ROBIN,
                List.of(ServerConfig.of("s", "127.0.0.1", 1)), null, 0, false);
        RoutingConfig config = new RoutingConfig(List.of(
                        RouteConfig.to("a", new RouteMatch(null, null, "(", null, null, null), "app"),
                        RouteConfig.to("b", new RouteMatch(null, null, "[", null, null, null), "app")),
                List.of(app), null);
        assertThatThrownBy(() -> RoutingTable.compile(config))
                .hasMessageContaining("route a: path-regex = (")
                .hasMessageContaining("route b: path-regex = [");
    }
}
