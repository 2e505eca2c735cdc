package dev.tether.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.routing.config.BackendConfig;
import dev.tether.routing.config.BalanceAlgorithm;
import dev.tether.routing.config.RouteConfig;
import dev.tether.routing.config.RouteMatch;
import dev.tether.routing.config.RoutingConfig;
import dev.tether.routing.config.ServerConfig;
import dev.tether.routing.config.StickTableConfig;
import dev.tether.routing.config.StickyCookieConfig;
import dev.tether.routing.config.UnavailablePolicy;
import dev.tether.routing.model.Server;
import dev.tether.routing.model.ServerState;
import dev.tether.routing.redispatch.RetryOn;
import dev.tether.routing.sticky.StickTable;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RouterStickTableTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final Router router = new Router();

    private RoutingTable table(StickTableConfig stick, StickyCookieConfig cookie, List<RouteConfig> routes) {
        BackendConfig app = new BackendConfig("app", BalanceAlgorithm.ROUND_ROBIN, List.of(
                        ServerConfig.of("node1", "127.0.0.1", 8081),
                        ServerConfig.of("node2", "127.0.0.1", 8082),
                        ServerConfig.of("node3", "127.0.0.1", 8083)),
                cookie, 3, true, RetryOn.DEFAULT, stick);
        return RoutingTable.compile(new RoutingConfig(routes, List.of(app), "app"), nanos::get);
    }

    private RoutingTable table(StickTableConfig stick) {
        return table(stick, null, List.of());
    }

    private static RouteDecision.Forward forward(RouteDecision d) {
        assertThat(d).isInstanceOf(RouteDecision.Forward.class);
        return (RouteDecision.Forward) d;
    }

    private static StickTableConfig stick(String on, long size, Duration expire, UnavailablePolicy policy) {
        return new StickTableConfig(on, size, expire, policy);
    }

    @Test
    void firstRequestIsBalancedAndLaterOnesFromTheSameSourceStick() {
        RoutingTable t = table(StickTableConfig.of("source"));
        RouteDecision.Forward first = forward(router.route(TestRequest.get("/").client("192.0.2.7"), t));
        assertThat(first.reason()).isEqualTo(Reason.BALANCED);
        assertThat(first.cookieAction()).isEqualTo(CookieAction.KEEP);
        for (int i = 0; i < 20; i++) {
            // Round-robin would move on each time; only the table keeps the client where it was.
            RouteDecision.Forward next = forward(router.route(TestRequest.get("/x" + i).client("192.0.2.7"), t));
            assertThat(next.server()).isEqualTo(first.server());
            assertThat(next.reason()).isEqualTo(Reason.STICK_TABLE);
        }
        assertThat(t.stickTable("app").size()).isEqualTo(1);
    }

    @Test
    void differentSourcesSpreadOverTheServers() {
        RoutingTable t = table(StickTableConfig.of("source"));
        Set<String> servers = new HashSet<>();
        for (int c = 1; c <= 6; c++) {
            servers.add(forward(router.route(TestRequest.get("/").client("192.0.2." + c), t)).server().name());
        }
        assertThat(servers).containsExactlyInAnyOrder("node1", "node2", "node3");
        assertThat(t.stickTable("app").size()).isEqualTo(6);
    }

    @Test
    void aHeaderKeySticksAndRequestsWithoutItAreBalancedAndNotStored() {
        RoutingTable t = table(StickTableConfig.of("header:X-Session"));
        Server a = forward(router.route(TestRequest.get("/").header("X-Session", "alice"), t)).server();
        Server b = forward(router.route(TestRequest.get("/").header("X-Session", "bob"), t)).server();
        assertThat(a).isNotEqualTo(b);
        for (int i = 0; i < 10; i++) {
            assertThat(forward(router.route(TestRequest.get("/").header("x-session", "alice"), t)).server())
                    .isEqualTo(a);
            assertThat(forward(router.route(TestRequest.get("/").header("X-Session", "bob"), t)).server())
                    .isEqualTo(b);
            RouteDecision.Forward none = forward(router.route(TestRequest.get("/"), t));
            assertThat(none.reason()).isEqualTo(Reason.BALANCED);
        }
        assertThat(t.stickTable("app").size()).isEqualTo(2);
    }

    @Test
    void anotherCookieCanBeTheKey() {
        RoutingTable t = table(StickTableConfig.of("cookie:JSESSIONID"));
        Server a = forward(router.route(TestRequest.get("/").cookie("JSESSIONID", "abc"), t)).server();
        for (int i = 0; i < 10; i++) {
            RouteDecision.Forward next = forward(router.route(
                    TestRequest.get("/").cookie("other", "1").cookie("JSESSIONID", "abc"), t));
            assertThat(next.server()).isEqualTo(a);
            assertThat(next.reason()).isEqualTo(Reason.STICK_TABLE);
        }
    }

    @Test
    void theBackendsOwnStickyCookieCannotBeTheKey() {
        assertThatThrownBy(() -> table(StickTableConfig.of("cookie:srv"), StickyCookieConfig.insert("srv"), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stick-table.on = cookie:srv");
    }

    @Test
    void anIdleKeyExpiresAndIsBalancedAgain() {
        RoutingTable t = table(stick("source", 100, Duration.ofMinutes(30), UnavailablePolicy.FALLBACK));
        Server first = forward(router.route(TestRequest.get("/").client("192.0.2.7"), t)).server();
        nanos.addAndGet(Duration.ofMinutes(29).toNanos());
        assertThat(forward(router.route(TestRequest.get("/").client("192.0.2.7"), t)).reason())
                .isEqualTo(Reason.STICK_TABLE); // a hit restarts the idle time
        nanos.addAndGet(Duration.ofMinutes(29).toNanos());
        assertThat(forward(router.route(TestRequest.get("/").client("192.0.2.7"), t)).server()).isEqualTo(first);
        nanos.addAndGet(Duration.ofMinutes(31).toNanos());
        RouteDecision.Forward later = forward(router.route(TestRequest.get("/").client("192.0.2.7"), t));
        assertThat(later.reason()).isEqualTo(Reason.BALANCED);
    }

    @Test
    void theTableIsBoundedBySize() {
        RoutingTable t = table(stick("source", 10, Duration.ofHours(1), UnavailablePolicy.FALLBACK));
        for (int c = 0; c < 200; c++) {
            router.route(TestRequest.get("/").client("10.0.0." + c), t);
        }
        StickTable s = t.stickTable("app");
        s.cleanUp();
        assertThat(s.size()).isLessThanOrEqualTo(10);
    }

    @Test
    void fallbackMovesTheKeyToANewServerAndRemembersIt() {
        RoutingTable t = table(StickTableConfig.of("source"));
        Server first = forward(router.route(TestRequest.get("/").client("192.0.2.7"), t)).server();
        RoutingTable down = t.withServerState("app", first.name(), ServerState.DOWN);
        RouteDecision.Forward moved = forward(router.route(TestRequest.get("/").client("192.0.2.7"), down));
        assertThat(moved.server()).isNotEqualTo(first);
        assertThat(moved.reason()).isEqualTo(Reason.REDISPATCHED);
        // The entry was replaced: once the old server is back, the client stays on the new one.
        for (int i = 0; i < 5; i++) {
            RouteDecision.Forward next = forward(router.route(TestRequest.get("/").client("192.0.2.7"), t));
            assertThat(next.server().name()).isEqualTo(moved.server().name());
            assertThat(next.reason()).isEqualTo(Reason.STICK_TABLE);
        }
    }

    @Test
    void refuseAnswers503WhileTheServerIsUnusable() {
        RoutingTable t = table(stick("source", 100, Duration.ofHours(1), UnavailablePolicy.REFUSE));
        Server first = forward(router.route(TestRequest.get("/").client("192.0.2.7"), t)).server();
        RoutingTable down = t.withServerState("app", first.name(), ServerState.MAINT);
        RouteDecision d = router.route(TestRequest.get("/").client("192.0.2.7"), down);
        assertThat(d).isInstanceOfSatisfying(RouteDecision.Reject.class, r -> {
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.reason()).isEqualTo(Reason.PINNED_SERVER_UNAVAILABLE);
        });
        assertThat(forward(router.route(TestRequest.get("/").client("192.0.2.7"), t)).server()).isEqualTo(first);
    }

    @Test
    void aDrainingServerKeepsItsStuckClients() {
        RoutingTable t = table(StickTableConfig.of("source"));
        Server first = forward(router.route(TestRequest.get("/").client("192.0.2.7"), t)).server();
        RoutingTable drain = t.withServerState("app", first.name(), ServerState.DRAIN);
        RouteDecision.Forward next = forward(router.route(TestRequest.get("/").client("192.0.2.7"), drain));
        assertThat(next.server().name()).isEqualTo(first.name());
        assertThat(next.reason()).isEqualTo(Reason.STICK_TABLE);
    }

    @Test
    void rerouteAfterAFailedAttemptRemembersTheNewServer() {
        RoutingTable t = table(StickTableConfig.of("source"));
        TestRequest request = TestRequest.get("/").client("192.0.2.7");
        RouteDecision.Forward first = forward(router.route(request, t));
        RouteDecision.Forward retry = forward(router.reroute(request, t, first, Set.of()));
        assertThat(retry.server()).isNotEqualTo(first.server());
        assertThat(forward(router.route(request, t)).server()).isEqualTo(retry.server());
    }

    @Test
    void rerouteOfARefusingStickTableAnswers503() {
        RoutingTable t = table(stick("source", 100, Duration.ofHours(1), UnavailablePolicy.REFUSE));
        TestRequest request = TestRequest.get("/").client("192.0.2.7");
        forward(router.route(request, t));
        RouteDecision.Forward stuck = forward(router.route(request, t));
        assertThat(stuck.reason()).isEqualTo(Reason.STICK_TABLE);
        assertThat(router.reroute(request, t, stuck, Set.of())).isInstanceOf(RouteDecision.Reject.class);
    }

    @Test
    void aValidStickyCookieWinsAndTheTableSetsACookieForItsServer() {
        RoutingTable t = table(StickTableConfig.of("source"), StickyCookieConfig.insert("srv"), List.of());
        RouteDecision.Forward first = forward(router.route(TestRequest.get("/").client("192.0.2.7"), t));
        assertThat(first.cookieAction()).isInstanceOf(CookieAction.Set.class);
        // Same source without the cookie (another browser behind one NAT): the table, and a cookie for its server.
        RouteDecision.Forward noCookie = forward(router.route(TestRequest.get("/").client("192.0.2.7"), t));
        assertThat(noCookie.reason()).isEqualTo(Reason.STICK_TABLE);
        assertThat(noCookie.server()).isEqualTo(first.server());
        assertThat(noCookie.cookieAction()).isInstanceOf(CookieAction.Set.class);
        // A cookie naming another server wins over the table.
        Server other = t.servers("app").stream().filter(s -> !s.equals(first.server())).findFirst().orElseThrow();
        String value = t.cookies("app").setCookie(t.servers("app").indexOf(other), 0);
        value = value.substring(value.indexOf('=') + 1, value.indexOf(';'));
        RouteDecision.Forward withCookie =
                forward(router.route(TestRequest.get("/").client("192.0.2.7").cookie("srv", value), t));
        assertThat(withCookie.server()).isEqualTo(other);
        assertThat(withCookie.reason()).isEqualTo(Reason.STICKY_COOKIE);
    }

    @Test
    void pinsComeBeforeTheTable() {
        RoutingTable t = table(StickTableConfig.of("source"), null, List.of(new RouteConfig("git",
                RouteMatch.pathPrefix("/git/"), "app", "node3", UnavailablePolicy.FALLBACK)));
        for (int i = 0; i < 5; i++) {
            forward(router.route(TestRequest.get("/").client("192.0.2.7"), t));
            RouteDecision.Forward git = forward(router.route(TestRequest.get("/git/x").client("192.0.2.7"), t));
            assertThat(git.server().name()).isEqualTo("node3");
            assertThat(git.reason()).isEqualTo(Reason.PATH_RULE);
        }
    }

    @Test
    void healthChangesKeepTheTableAndAReloadWithTheSameSettingsToo() {
        RoutingTable t = table(StickTableConfig.of("source"));
        Server first = forward(router.route(TestRequest.get("/").client("192.0.2.7"), t)).server();
        RoutingTable changed = t.withServerState("app", "nodeX", ServerState.DOWN)
                .withServerState("app", first.name().equals("node1") ? "node2" : "node1", ServerState.DOWN);
        assertThat(changed.stickTable("app")).isSameAs(t.stickTable("app"));

        RoutingTable reloaded = RoutingTable.compile(t.config(), nanos::get).withStickTablesOf(t);
        assertThat(reloaded.stickTable("app")).isSameAs(t.stickTable("app"));
        assertThat(forward(router.route(TestRequest.get("/").client("192.0.2.7"), reloaded)).server().name())
                .isEqualTo(first.name());

        RoutingTable otherSettings = table(stick("source", 5, Duration.ofMinutes(1), UnavailablePolicy.FALLBACK))
                .withStickTablesOf(t);
        assertThat(otherSettings.stickTable("app")).isNotSameAs(t.stickTable("app"));
    }

    @Test
    void longKeysAreStoredAsADigestAndStillStick() {
        RoutingTable t = table(StickTableConfig.of("header:Authorization"));
        String token = "Bearer " + "x".repeat(4000);
        Server first = forward(router.route(TestRequest.get("/").header("Authorization", token), t)).server();
        assertThat(forward(router.route(TestRequest.get("/").header("Authorization", token), t)).server())
                .isEqualTo(first);
        assertThat(t.stickTable("app").key(TestRequest.get("/").header("Authorization", token))).hasSizeLessThan(50);
    }

    @Test
    void configIsChecked() {
        assertThatThrownBy(() -> StickTableConfig.of("src")).hasMessageContaining("expected source, header:NAME");
        assertThatThrownBy(() -> StickTableConfig.of("header:")).hasMessageContaining("stick-table.on");
        assertThatThrownBy(() -> stick("source", 0, Duration.ofMinutes(1), null)).hasMessageContaining("size");
        assertThatThrownBy(() -> stick("source", 1, Duration.ZERO, null)).hasMessageContaining("expire");
        assertThat(stick("header:X-A", 1, Duration.ofSeconds(1), null).onUnavailable())
                .isEqualTo(UnavailablePolicy.FALLBACK);
        assertThat(StickTableConfig.of("Header: X-A").name()).isEqualTo("X-A");
    }
}
