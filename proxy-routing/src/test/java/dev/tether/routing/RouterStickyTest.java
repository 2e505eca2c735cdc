package dev.tether.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.routing.config.BackendConfig;
import dev.tether.routing.config.BalanceAlgorithm;
import dev.tether.routing.config.RoutingConfig;
import dev.tether.routing.config.ServerConfig;
import dev.tether.routing.config.StickyCookieConfig;
import dev.tether.routing.model.ServerState;
import dev.tether.routing.sticky.StickyCookies;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RouterStickyTest {

    private static final long T0 = 1_800_000_000_000L;
    private final AtomicLong clock = new AtomicLong(T0);
    private final Router router = new Router(LoadSignal.NONE, clock::get);

    private static RoutingTable table(StickyCookieConfig cookie, boolean redispatch, int weight2) {
        BackendConfig app = new BackendConfig("app", BalanceAlgorithm.ROUND_ROBIN, List.of(
                        ServerConfig.of("node1", "127.0.0.1", 8081),
                        new ServerConfig("node2", "127.0.0.1", 8082, weight2, false, 0),
                        ServerConfig.of("node3", "127.0.0.1", 8083)),
                cookie, 3, redispatch);
        return RoutingTable.compile(new RoutingConfig(List.of(), List.of(app), "app"));
    }

    private static RoutingTable table(StickyCookieConfig cookie) {
        return table(cookie, true, 1);
    }

    private static String cookieValue(RouteDecision d) {
        String header = ((CookieAction.Set) ((RouteDecision.Forward) d).cookieAction()).setCookieValue();
        return header.substring(header.indexOf('=') + 1, header.indexOf(';'));
    }

    private static RouteDecision.Forward forward(RouteDecision d) {
        assertThat(d).isInstanceOf(RouteDecision.Forward.class);
        return (RouteDecision.Forward) d;
    }

    @Test
    void firstRequestSetsTheCookieAndLaterRequestsFollowIt() {
        RoutingTable t = table(StickyCookieConfig.insert("srv"));
        RouteDecision.Forward first = forward(router.route(TestRequest.get("/"), t));
        assertThat(first.reason()).isEqualTo(Reason.BALANCED);
        assertThat(first.cookieStatus()).isEqualTo(CookieStatus.NONE);
        assertThat(first.cookieAction()).isInstanceOf(CookieAction.Set.class);
        String value = cookieValue(first);
        for (int i = 0; i < 100; i++) {
            RouteDecision.Forward next = forward(router.route(TestRequest.get("/x").cookie("srv", value), t));
            assertThat(next.server()).isEqualTo(first.server());
            assertThat(next.reason()).isEqualTo(Reason.STICKY_COOKIE);
            assertThat(next.cookieStatus()).isEqualTo(CookieStatus.VALID);
            assertThat(next.cookieAction()).isEqualTo(CookieAction.KEEP);
        }
    }

    @Test
    void anotherInstanceWithTheSameConfigFollowsTheSameCookie() {
        StickyCookieConfig cfg = new StickyCookieConfig(
                "srv", false, false, true, false, null, Duration.ofHours(1), Duration.ZERO, "shared-key-0123456789");
        String value = cookieValue(router.route(TestRequest.get("/"), table(cfg)));
        RouteDecision.Forward elsewhere =
                forward(new Router(LoadSignal.NONE, clock::get).route(TestRequest.get("/").cookie("srv", value),
                        table(cfg)));
        assertThat(elsewhere.reason()).isEqualTo(Reason.STICKY_COOKIE);
    }

    @Test
    void newSessionsAreSpreadByTheBalancer() {
        RoutingTable t = table(StickyCookieConfig.insert("srv"));
        assertThat(List.of(router.route(TestRequest.get("/"), t), router.route(TestRequest.get("/"), t),
                        router.route(TestRequest.get("/"), t)))
                .extracting(d -> ((RouteDecision.Forward) d).server().name())
                .containsExactlyInAnyOrder("node1", "node2", "node3");
    }

    @ParameterizedTest
    @EnumSource(value = ServerState.class, names = {"DOWN", "MAINT"})
    void aDownServerIsRedispatchedWithANewCookie(ServerState state) {
        RoutingTable t = table(StickyCookieConfig.insert("srv"));
        String node1 = t.cookies("app").id(0);
        RoutingTable down = t.withServerState("app", "node1", state);
        RouteDecision.Forward d = forward(router.route(TestRequest.get("/").cookie("srv", node1), down));
        assertThat(d.server().name()).isNotEqualTo("node1");
        assertThat(d.reason()).isEqualTo(Reason.REDISPATCHED);
        assertThat(d.cookieStatus()).isEqualTo(CookieStatus.SERVER_DOWN);
        assertThat(cookieValue(d)).isEqualTo(t.cookies("app").id(t.config().backend("app").servers()
                .indexOf(d.server().config())));
    }

    @Test
    void aDownServerWithoutRedispatchIsA503() {
        RoutingTable t = table(StickyCookieConfig.insert("srv"), false, 1).withServerState("app", "node1",
                ServerState.DOWN);
        RouteDecision d = router.route(TestRequest.get("/").cookie("srv", t.cookies("app").id(0)), t);
        assertThat(d).isInstanceOfSatisfying(RouteDecision.Reject.class, r -> {
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.reason()).isEqualTo(Reason.NO_SERVER_UP);
            assertThat(r.message()).contains("does not redispatch");
        });
    }

    @Test
    void drainAndWeightZeroKeepStickySessionsButTakeNoNewOnes() {
        RoutingTable t = table(StickyCookieConfig.insert("srv"), true, 0).withServerState("app", "node1",
                ServerState.DRAIN);
        for (int server : new int[] {0, 1}) {
            RouteDecision.Forward d =
                    forward(router.route(TestRequest.get("/").cookie("srv", t.cookies("app").id(server)), t));
            assertThat(d.server().name()).isEqualTo("node" + (server + 1));
            assertThat(d.reason()).isEqualTo(Reason.STICKY_COOKIE);
        }
        for (int i = 0; i < 20; i++) {
            assertThat(forward(router.route(TestRequest.get("/"), t)).server().name()).isEqualTo("node3");
        }
    }

    @Test
    void unknownForgedAndExpiredCookiesAreTreatedAsAbsent() {
        StickyCookieConfig cfg = new StickyCookieConfig(
                "srv", false, false, true, false, null, Duration.ofMinutes(30), Duration.ZERO, "k-0123456789abcdef");
        RoutingTable t = table(cfg);
        StickyCookies cookies = t.cookies("app");
        long now = T0 / 1000;
        String expired = cookies.value(0, now - 7200, now - 3600);
        String forged = cookies.id(0) + "." + Long.toHexString(now) + "." + Long.toHexString(now) + ".0000000000000000";
        String unknownButSigned = "ffffffff";
        assertThat(forward(router.route(TestRequest.get("/").cookie("srv", expired), t)).cookieStatus())
                .isEqualTo(CookieStatus.EXPIRED);
        assertThat(forward(router.route(TestRequest.get("/").cookie("srv", forged), t)).cookieStatus())
                .isEqualTo(CookieStatus.INVALID);
        assertThat(forward(router.route(TestRequest.get("/").cookie("srv", unknownButSigned), t)).cookieStatus())
                .isEqualTo(CookieStatus.INVALID);
        RouteDecision.Forward d = forward(router.route(TestRequest.get("/").cookie("srv", expired), t));
        assertThat(d.reason()).isEqualTo(Reason.BALANCED);
        assertThat(StickyCookies.status(cookies.read(cookieValue(d), T0))).isEqualTo(CookieStatus.VALID);
    }

    @Test
    void unknownUnsignedCookieIsServerUnknown() {
        RoutingTable t = table(StickyCookieConfig.insert("srv"));
        RouteDecision.Forward d = forward(router.route(TestRequest.get("/").cookie("srv", "deadbeef"), t));
        assertThat(d.cookieStatus()).isEqualTo(CookieStatus.SERVER_UNKNOWN);
        assertThat(d.reason()).isEqualTo(Reason.BALANCED);
        assertThat(d.cookieAction()).isInstanceOf(CookieAction.Set.class);
    }

    @Test
    void lastSeenIsRefreshedOnlyAfterAQuarterOfMaxIdle() {
        StickyCookieConfig cfg = new StickyCookieConfig(
                "srv", false, false, true, false, null, Duration.ofMinutes(40), Duration.ZERO, null);
        RoutingTable t = table(cfg);
        String value = cookieValue(router.route(TestRequest.get("/"), t));
        clock.addAndGet(Duration.ofMinutes(9).toMillis());
        assertThat(forward(router.route(TestRequest.get("/").cookie("srv", value), t)).cookieAction())
                .isEqualTo(CookieAction.KEEP);
        clock.addAndGet(Duration.ofMinutes(2).toMillis());
        RouteDecision.Forward refreshed = forward(router.route(TestRequest.get("/").cookie("srv", value), t));
        assertThat(refreshed.reason()).isEqualTo(Reason.STICKY_COOKIE);
        String newValue = cookieValue(refreshed);
        assertThat(newValue).isNotEqualTo(value).startsWith(value.substring(0, value.lastIndexOf('.')));
        // Idle 39 more minutes after the refresh: still valid; the original value would have expired.
        clock.addAndGet(Duration.ofMinutes(39).toMillis());
        assertThat(forward(router.route(TestRequest.get("/").cookie("srv", newValue), t)).cookieStatus())
                .isEqualTo(CookieStatus.VALID);
        assertThat(forward(router.route(TestRequest.get("/").cookie("srv", value), t)).cookieStatus())
                .isEqualTo(CookieStatus.EXPIRED);
    }

    @Test
    void indirectAndNocacheReachTheDecision() {
        StickyCookieConfig cfg = new StickyCookieConfig(
                "srv", true, true, true, false, null, Duration.ZERO, Duration.ZERO, null);
        RoutingTable t = table(cfg);
        RouteDecision.Forward first = forward(router.route(TestRequest.get("/"), t));
        assertThat(first.stripCookie()).isTrue();
        assertThat(((CookieAction.Set) first.cookieAction()).nocache()).isTrue();
        RouteDecision.Forward sticky =
                forward(router.route(TestRequest.get("/").cookie("srv", cookieValue(first)), t));
        assertThat(sticky.stripCookie()).isTrue();
        assertThat(forward(router.route(TestRequest.get("/"), table(StickyCookieConfig.insert("srv"))))
                .stripCookie()).isFalse();
    }

    @Test
    void stickyHitsReuseOneDecisionInstance() {
        RoutingTable t = table(StickyCookieConfig.insert("srv"));
        TestRequest request = TestRequest.get("/").cookie("srv", t.cookies("app").id(2));
        assertThat(router.route(request, t)).isSameAs(router.route(request, t));
    }

    @Test
    void rerouteAvoidsTheFailedServerAndSetsANewCookie() {
        RoutingTable t = table(StickyCookieConfig.insert("srv"));
        RouteDecision.Forward sticky =
                forward(router.route(TestRequest.get("/").cookie("srv", t.cookies("app").id(0)), t));
        RouteDecision.Forward again = forward(router.reroute(TestRequest.get("/"), t, sticky, Set.of("app/node2")));
        assertThat(again.server().name()).isEqualTo("node3");
        assertThat(again.reason()).isEqualTo(Reason.REDISPATCHED);
        assertThat(cookieValue(again)).isEqualTo(t.cookies("app").id(2));
        assertThat(router.reroute(TestRequest.get("/"), t, again, Set.of("app/node1", "app/node2")))
                .isInstanceOf(RouteDecision.Reject.class);
    }

    @Test
    void rerouteOfAStickyRequestWithoutRedispatchIsA503() {
        RoutingTable t = table(StickyCookieConfig.insert("srv"), false, 1);
        RouteDecision.Forward sticky =
                forward(router.route(TestRequest.get("/").cookie("srv", t.cookies("app").id(0)), t));
        assertThat(router.reroute(TestRequest.get("/"), t, sticky, Set.of()))
                .isInstanceOfSatisfying(RouteDecision.Reject.class, r -> assertThat(r.status()).isEqualTo(503));
    }

    @Test
    void noServerUpIsA503() {
        RoutingTable t = table(StickyCookieConfig.insert("srv"));
        for (String s : List.of("node1", "node2", "node3")) {
            t = t.withServerState("app", s, ServerState.DOWN);
        }
        assertThat(router.route(TestRequest.get("/"), t)).isInstanceOfSatisfying(RouteDecision.Reject.class, r -> {
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.reason()).isEqualTo(Reason.NO_SERVER_UP);
        });
    }

    @Test
    void aConfiguredServerCookieIsSetAndFollowed() {
        BackendConfig app = new BackendConfig("app", BalanceAlgorithm.ROUND_ROBIN, List.of(
                        new ServerConfig("server-pro-ha-1", "127.0.0.1", 8081, 1, false, 0, "server-pro-ha-1"),
                        new ServerConfig("server-pro-ha-2", "127.0.0.1", 8082, 1, false, 0, "server-pro-ha-2")),
                StickyCookieConfig.insert("server-pro-ha"), 3, true);
        RoutingTable t = RoutingTable.compile(new RoutingConfig(List.of(), List.of(app), "app"));
        RouteDecision.Forward first = forward(router.route(TestRequest.get("/"), t));
        assertThat(cookieValue(first)).isEqualTo(first.server().name());
        RouteDecision.Forward haproxySession =
                forward(router.route(TestRequest.get("/").cookie("server-pro-ha", "server-pro-ha-2"), t));
        assertThat(haproxySession.server().name()).isEqualTo("server-pro-ha-2");
        assertThat(haproxySession.reason()).isEqualTo(Reason.STICKY_COOKIE);
    }
}
