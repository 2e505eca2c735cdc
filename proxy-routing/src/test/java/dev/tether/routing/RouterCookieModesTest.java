package dev.tether.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.routing.config.BackendConfig;
import dev.tether.routing.config.BalanceAlgorithm;
import dev.tether.routing.config.CookieMode;
import dev.tether.routing.config.RouteConfig;
import dev.tether.routing.config.RouteMatch;
import dev.tether.routing.config.RoutingConfig;
import dev.tether.routing.config.ServerConfig;
import dev.tether.routing.config.StickyCookieConfig;
import dev.tether.routing.config.UnavailablePolicy;
import dev.tether.routing.model.ServerState;
import dev.tether.routing.sticky.StickyCookies;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Cookie rewrite and prefix mode: the server sets the cookie, Tether edits its value and routes by it. */
class RouterCookieModesTest {

    private final Router router = new Router(LoadSignal.NONE, () -> 1_800_000_000_000L);

    private static RoutingTable table(StickyCookieConfig cookie, boolean redispatch) {
        BackendConfig app = new BackendConfig("app", BalanceAlgorithm.ROUND_ROBIN, List.of(
                        ServerConfig.of("node1", "127.0.0.1", 8081),
                        ServerConfig.of("node2", "127.0.0.1", 8082),
                        ServerConfig.of("node3", "127.0.0.1", 8083)),
                cookie, 3, redispatch);
        List<RouteConfig> routes = List.of(
                new RouteConfig("git", RouteMatch.pathPrefix("/git/"), "app", "node3", UnavailablePolicy.FALLBACK));
        return RoutingTable.compile(new RoutingConfig(routes, List.of(app), "app"));
    }

    private static RoutingTable table(StickyCookieConfig cookie) {
        return table(cookie, true);
    }

    private static RouteDecision.Forward forward(RouteDecision d) {
        assertThat(d).isInstanceOf(RouteDecision.Forward.class);
        return (RouteDecision.Forward) d;
    }

    private static CookieAction.Rewrite rewrite(RouteDecision.Forward f) {
        assertThat(f.cookieAction()).isInstanceOf(CookieAction.Rewrite.class);
        return (CookieAction.Rewrite) f.cookieAction();
    }

    /** What the client stores after the server that {@code f} chose set {@code JSESSIONID=value}. */
    private static String clientValue(RouteDecision.Forward f, String serverSetCookie) {
        String edited = rewrite(f).apply(serverSetCookie);
        return edited.substring(edited.indexOf('=') + 1, edited.indexOf(';'));
    }

    @Test
    void prefixModePrefixesTheServersValueRoutesByItAndGivesTheServerItsOwnValue() {
        RoutingTable t = table(StickyCookieConfig.prefix("JSESSIONID"));
        StickyCookies cookies = t.cookies("app");
        RouteDecision.Forward first = forward(router.route(TestRequest.get("/"), t));
        assertThat(first.reason()).isEqualTo(Reason.BALANCED);
        assertThat(first.cookieStatus()).isEqualTo(CookieStatus.NONE);
        int index = t.servers("app").indexOf(first.server());
        String stored = clientValue(first, "JSESSIONID=abc123; Path=/; HttpOnly");
        assertThat(stored).isEqualTo(cookies.id(index) + "~abc123");

        for (int i = 0; i < 20; i++) {
            TestRequest next = TestRequest.get("/x").cookie("theme", "dark").cookie("JSESSIONID", stored);
            RouteDecision.Forward f = forward(router.route(next, t));
            assertThat(f.server()).isEqualTo(first.server());
            assertThat(f.reason()).isEqualTo(Reason.STICKY_COOKIE);
            assertThat(f.cookieStatus()).isEqualTo(CookieStatus.VALID);
            assertThat(f.stripCookie()).isTrue();
            assertThat(cookies.forwardedCookieHeader(next.header("cookie")))
                    .isEqualTo("theme=dark; JSESSIONID=abc123");
        }
    }

    @Test
    void rewriteModeReplacesTheServersValueAndRoutesByIt() {
        RoutingTable t = table(StickyCookieConfig.rewrite("SERVERID"));
        StickyCookies cookies = t.cookies("app");
        RouteDecision.Forward first = forward(router.route(TestRequest.get("/"), t));
        int index = t.servers("app").indexOf(first.server());
        String stored = clientValue(first, "SERVERID=session-wanted; Path=/; Secure");
        assertThat(stored).isEqualTo(cookies.id(index));
        assertThat(rewrite(first).apply("SERVERID=x; Path=/; Secure")).isEqualTo("SERVERID=" + stored + "; Path=/; Secure");

        TestRequest next = TestRequest.get("/x").cookie("SERVERID", stored).cookie("b", "2");
        RouteDecision.Forward f = forward(router.route(next, t));
        assertThat(f.server()).isEqualTo(first.server());
        assertThat(f.reason()).isEqualTo(Reason.STICKY_COOKIE);
        assertThat(f.cookieStatus()).isEqualTo(CookieStatus.VALID);
        // As HAProxy does, the server gets the cookie as the client sent it: its own value was replaced for good.
        assertThat(f.stripCookie()).isFalse();
        assertThat(cookies.forwardedCookieHeader(next.header("cookie"))).isSameAs(next.header("cookie"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no prefix at all          | abc123                   | INVALID",
        "empty prefix              | ~abc123                  | INVALID",
        "unknown id                | 0badc0de~abc123          | SERVER_UNKNOWN",
        "garbage                   | <script>~abc123          | INVALID",
        "upper-case hex            | ABCDEF01~abc             | SERVER_UNKNOWN",
    })
    void aForgedOrUnknownPrefixCountsAsAbsent(String what, String value, CookieStatus status) {
        RoutingTable t = table(StickyCookieConfig.prefix("JSESSIONID"));
        RouteDecision.Forward f = forward(router.route(TestRequest.get("/").cookie("JSESSIONID", value), t));
        assertThat(f.reason()).isEqualTo(Reason.BALANCED);
        assertThat(f.cookieStatus()).isEqualTo(status);
        assertThat(f.cookieAction()).isInstanceOf(CookieAction.Rewrite.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "a.b.c", "", "x~y", "0badc0de", "0badc0de.0123456789abcdef", "\"q\""})
    void theIdIsReadUpToTheFirstTildeWhateverTheServersValueHolds(String serverValue) {
        for (String key : new String[] {null, "a-key-of-sixteen-chars"}) {
            RoutingTable t = table(StickyCookieConfig.prefix("JSESSIONID").withKey(key));
            String id = t.cookies("app").value(1, 0, 0);
            RouteDecision.Forward f =
                    forward(router.route(TestRequest.get("/").cookie("JSESSIONID", id + "~" + serverValue), t));
            assertThat(f.server().name()).as(id + "~" + serverValue).isEqualTo("node2");
            assertThat(f.cookieStatus()).isEqualTo(CookieStatus.VALID);
        }
    }

    @Test
    void aSignedPrefixThatWasTamperedWithIsInvalid() {
        RoutingTable t = table(StickyCookieConfig.prefix("JSESSIONID").withKey("a-key-of-sixteen-chars"));
        StickyCookies cookies = t.cookies("app");
        String id1 = cookies.value(1, 0, 0);
        assertThat(id1).contains(".");
        RouteDecision.Forward good = forward(router.route(TestRequest.get("/").cookie("JSESSIONID", id1 + "~s"), t));
        assertThat(good.server().name()).isEqualTo("node2");
        assertThat(good.cookieStatus()).isEqualTo(CookieStatus.VALID);
        // Another server's id with node2's tag, and node2's id with a flipped tag digit.
        String swapped = cookies.id(0) + id1.substring(id1.indexOf('.'));
        char last = id1.charAt(id1.length() - 1);
        String flipped = id1.substring(0, id1.length() - 1) + (last == '0' ? '1' : '0');
        for (String forged : List.of(swapped, flipped, cookies.id(1))) {
            RouteDecision.Forward f = forward(router.route(TestRequest.get("/").cookie("JSESSIONID", forged + "~s"), t));
            assertThat(f.cookieStatus()).as(forged).isEqualTo(CookieStatus.INVALID);
            assertThat(f.reason()).isEqualTo(Reason.BALANCED);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"prefix", "rewrite"})
    void aDownServerIsRedispatchedAndNoCookieIsMadeUp(String mode) {
        StickyCookieConfig cfg = new StickyCookieConfig("C", false, false, false, false, null, Duration.ZERO,
                Duration.ZERO, null, CookieMode.fromConfigName(mode));
        RoutingTable t = table(cfg).withServerState("app", "node1", ServerState.DOWN);
        String value = t.cookies("app").id(0) + (mode.equals("prefix") ? "~s" : "");
        RouteDecision.Forward f = forward(router.route(TestRequest.get("/").cookie("C", value), t));
        assertThat(f.server().name()).isNotEqualTo("node1");
        assertThat(f.reason()).isEqualTo(Reason.REDISPATCHED);
        assertThat(f.cookieStatus()).isEqualTo(CookieStatus.SERVER_DOWN);
        // The new server's id goes into the cookie only if the application sets it again.
        assertThat(rewrite(f).value()).isEqualTo(t.cookies("app").id(t.servers("app").indexOf(f.server())));

        RoutingTable strict = table(cfg, false).withServerState("app", "node1", ServerState.DOWN);
        assertThat(router.route(TestRequest.get("/").cookie("C", value), strict))
                .isInstanceOfSatisfying(RouteDecision.Reject.class, r -> assertThat(r.status()).isEqualTo(503));
    }

    @Test
    void aPinnedRequestEditsTheCookieForThePinnedServer() {
        RoutingTable t = table(StickyCookieConfig.prefix("JSESSIONID"));
        RouteDecision.Forward f = forward(router.route(TestRequest.get("/git/repo"), t));
        assertThat(f.server().name()).isEqualTo("node3");
        assertThat(rewrite(f).value()).isEqualTo(t.cookies("app").id(2));
        assertThat(rewrite(f).prefix()).isTrue();
    }

    @Test
    void rerouteEditsTheCookieForTheNewServer() {
        RoutingTable t = table(StickyCookieConfig.prefix("JSESSIONID"));
        RouteDecision.Forward first =
                forward(router.route(TestRequest.get("/").cookie("JSESSIONID", t.cookies("app").id(0) + "~s"), t));
        RouteDecision.Forward again = forward(router.reroute(TestRequest.get("/"), t, first, Set.of("app/node2")));
        assertThat(again.server().name()).isEqualTo("node3");
        assertThat(rewrite(again).value()).isEqualTo(t.cookies("app").id(2));
        assertThat(again.stripCookie()).isTrue();
    }

    @Test
    void stickyHitsInPrefixModeReuseOneDecisionInstance() {
        RoutingTable t = table(StickyCookieConfig.prefix("JSESSIONID"));
        TestRequest request = TestRequest.get("/").cookie("JSESSIONID", t.cookies("app").id(1) + "~s");
        assertThat(router.route(request, t)).isSameAs(router.route(request, t));
    }

    @Test
    void nocacheTravelsWithTheRewrite() {
        StickyCookieConfig cfg = new StickyCookieConfig("C", false, true, false, false, null, Duration.ZERO,
                Duration.ZERO, null, CookieMode.REWRITE);
        assertThat(rewrite(forward(router.route(TestRequest.get("/"), table(cfg)))).nocache()).isTrue();
    }

    @ParameterizedTest(name = "{0} in {1} mode")
    @CsvSource({"indirect, prefix", "httponly, prefix", "secure, rewrite", "domain, rewrite", "max-idle, prefix",
        "max-life, rewrite"})
    void anInsertOnlyOptionWithAnotherModeIsRefused(String option, String mode) {
        assertThatThrownBy(() -> new StickyCookieConfig("C", option.equals("indirect"), false,
                        option.equals("httponly"), option.equals("secure"), option.equals("domain") ? "example.com" : null,
                        option.equals("max-idle") ? Duration.ofHours(1) : Duration.ZERO,
                        option.equals("max-life") ? Duration.ofHours(1) : Duration.ZERO, null,
                        CookieMode.fromConfigName(mode)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(option + " applies to insert mode only")
                .hasMessageContaining(mode + " mode");
    }

    @Test
    void insertModeIsTheDefaultAndKeepsItsBehaviour() {
        assertThat(StickyCookieConfig.insert("srv").mode()).isEqualTo(CookieMode.INSERT);
        assertThat(new StickyCookieConfig("srv", true, false, true, false, null, Duration.ZERO, Duration.ZERO, null,
                null).mode()).isEqualTo(CookieMode.INSERT);
        RouteDecision.Forward f = forward(router.route(TestRequest.get("/"), table(StickyCookieConfig.insert("srv"))));
        assertThat(f.cookieAction()).isInstanceOf(CookieAction.Set.class);
    }
}
