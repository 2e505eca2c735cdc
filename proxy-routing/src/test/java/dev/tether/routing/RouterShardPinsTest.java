package dev.tether.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.routing.config.BackendConfig;
import dev.tether.routing.config.BalanceAlgorithm;
import dev.tether.routing.config.HashConfig;
import dev.tether.routing.config.RouteConfig;
import dev.tether.routing.config.RouteMatch;
import dev.tether.routing.config.RoutingConfig;
import dev.tether.routing.config.ServerConfig;
import dev.tether.routing.config.UnavailablePolicy;
import dev.tether.routing.config.UuidMapConfig;
import dev.tether.routing.model.ServerState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The router's {@link ShardPins} hook: a uuid-map key the map moved keeps its old server while the pins say so. */
class RouterShardPinsTest {

    private static final String BASE = "0f2b3c1e-1234-4a5b-8c9d-0123456789ab";
    private static final String OTHER_BASE = "3a2b3c1e-1234-4a5b-8c9d-0123456789ab";

    /**
     * A pin table without time: a key remembers the server it was last routed to until {@link #idle} forgets it,
     * as ShardPinTable does after pin-idle. Keys are compared in lower case without dashes.
     */
    static final class FakePins implements ShardPins {
        final Map<String, String> pinned = new HashMap<>();
        final List<String> asked = new ArrayList<>();

        @Override
        public String route(String rule, CharSequence key, String mapped, Predicate<String> exists) {
            String k = rule + "/" + normalize(key);
            asked.add(k + " -> " + mapped);
            String old = pinned.get(k);
            if (old != null && !old.equals(mapped) && exists.test(old)) {
                return old;
            }
            pinned.put(k, mapped);
            return mapped;
        }

        void idle(String rule, String key) {
            pinned.remove(rule + "/" + normalize(key));
        }

        static String normalize(CharSequence key) {
            return key.toString().replace("-", "").toLowerCase(Locale.ROOT);
        }
    }

    private final FakePins pins = new FakePins();
    private final Router router = new Router(LoadSignal.NONE, () -> 1_000_000L, pins);

    /** Backend dtable (dtable1..3, or the given names) behind rule dtables with {@code ranges}; plus use-server. */
    private static RoutingTable table(Map<String, String> ranges, UnavailablePolicy policy, String... servers) {
        List<ServerConfig> list = new ArrayList<>();
        for (int i = 0; i < servers.length; i++) {
            list.add(ServerConfig.of(servers[i], "127.0.0.1", 9081 + i));
        }
        BackendConfig dtable = new BackendConfig("dtable", BalanceAlgorithm.ROUND_ROBIN, list, null, 3, true);
        UuidMapConfig map = new UuidMapConfig(null, ranges, Map.of(), null, policy);
        List<RouteConfig> routes = List.of(
                RouteConfig.uuidMap("dtables", RouteMatch.pathPrefix("/dtable-server/"), "dtable", map),
                new RouteConfig("git", RouteMatch.pathPrefix("/git/"), "dtable", servers[0],
                        UnavailablePolicy.REFUSE),
                RouteConfig.hash("by-uuid", RouteMatch.pathPrefix("/hashed/"), "dtable", HashConfig.of("uuid")));
        return RoutingTable.compile(new RoutingConfig(routes, List.of(dtable), "dtable"));
    }

    /** Before the reload: every base on dtable1. */
    private static RoutingTable before(UnavailablePolicy policy) {
        return table(Map.of("0-f", "dtable1"), policy, "dtable1", "dtable2", "dtable3");
    }

    /** After the reload: bases 0-7 moved to dtable2. */
    private static RoutingTable after(UnavailablePolicy policy) {
        return table(Map.of("0-7", "dtable2", "8-f", "dtable1"), policy, "dtable1", "dtable2", "dtable3");
    }

    private static RouteDecision.Forward forward(RouteDecision d) {
        assertThat(d).isInstanceOf(RouteDecision.Forward.class);
        return (RouteDecision.Forward) d;
    }

    private String serverOf(String base, RoutingTable t) {
        return forward(router.route(TestRequest.get("/dtable-server/api/v1/dtables/" + base + "/rows/"), t))
                .server().name();
    }

    @Test
    void aMovedKeyStaysOnItsOldServerUntilIdleThenFollowsTheMap() {
        assertThat(serverOf(BASE, before(null))).isEqualTo("dtable1");
        RoutingTable moved = after(null);

        RouteDecision.Forward d = forward(router.route(TestRequest.get("/dtable-server/api/v1/dtables/" + BASE
                + "/rows/"), moved));
        assertThat(d.server().name()).isEqualTo("dtable1");
        assertThat(d.reason()).isEqualTo(Reason.UUID_PREFIX_MAP);
        assertThat(d.rule()).isEqualTo("dtables");
        // The case of the key in the path does not matter to the pin.
        assertThat(serverOf(BASE.toUpperCase(Locale.ROOT), moved)).isEqualTo("dtable1");

        pins.idle("dtables", BASE);
        assertThat(serverOf(BASE, moved)).isEqualTo("dtable2");
        assertThat(serverOf(BASE, moved)).as("pinned to the new server now").isEqualTo("dtable2");
    }

    @Test
    void anUnknownKeyFollowsTheMap() {
        assertThat(serverOf(BASE, before(null))).isEqualTo("dtable1");
        assertThat(serverOf(OTHER_BASE, after(null))).isEqualTo("dtable2");
        assertThat(serverOf("9a2b3c1e-1234-4a5b-8c9d-0123456789ab", after(null))).isEqualTo("dtable1");
    }

    @Test
    void pinsAreAskedWithTheRuleTheKeyAndTheMappedServer() {
        serverOf(BASE, after(null));
        assertThat(pins.asked).containsExactly("dtables/" + BASE.replace("-", "") + " -> dtable2");
    }

    static Stream<Arguments> oldServerUnavailable() {
        return Stream.of(
                Arguments.of(ServerState.DOWN, null, 503),
                Arguments.of(ServerState.MAINT, null, 503),
                Arguments.of(ServerState.DOWN, UnavailablePolicy.REFUSE, 503),
                Arguments.of(ServerState.DOWN, UnavailablePolicy.FALLBACK, 200),
                Arguments.of(ServerState.MAINT, UnavailablePolicy.FALLBACK, 200));
    }

    @ParameterizedTest(name = "{0}, on-unavailable {1}")
    @MethodSource("oldServerUnavailable")
    void aPinnedOldServerThatIsUnavailableGetsTheRulesOnUnavailable(
            ServerState state, UnavailablePolicy policy, int expected) {
        assertThat(serverOf(BASE, before(policy))).isEqualTo("dtable1");
        RoutingTable moved = after(policy).withServerState("dtable", "dtable1", state);

        RouteDecision d = router.route(TestRequest.get("/dtable-server/" + BASE + "/rows/"), moved);

        if (expected == 503) {
            // Never the new server while the old one may still hold the base.
            assertThat(d).isInstanceOf(RouteDecision.Reject.class);
            RouteDecision.Reject r = (RouteDecision.Reject) d;
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.reason()).isEqualTo(Reason.PINNED_SERVER_UNAVAILABLE);
            assertThat(r.message()).contains("dtable/dtable1").contains("dtables");
        } else {
            RouteDecision.Forward f = forward(d);
            assertThat(f.server().name()).isNotEqualTo("dtable1");
            assertThat(f.reason()).isEqualTo(Reason.REDISPATCHED);
        }
        assertThat(pins.pinned).containsEntry("dtables/" + BASE.replace("-", ""), "dtable1");
    }

    @Test
    void aKeyWhoseOldServerWasRemovedFollowsTheMap() {
        assertThat(serverOf(BASE, before(null))).isEqualTo("dtable1");
        RoutingTable withoutOld = table(Map.of("0-f", "dtable2"), null, "dtable2", "dtable3");

        assertThat(serverOf(BASE, withoutOld)).isEqualTo("dtable2");
    }

    @Test
    void aPinNamingNoServerOfTheBackendIsIgnored() {
        Router confused = new Router(LoadSignal.NONE, () -> 0L, (rule, key, mapped, exists) -> "elsewhere");

        RouteDecision.Forward d = forward(confused.route(TestRequest.get("/dtable-server/" + BASE), after(null)));

        assertThat(d.server().name()).isEqualTo("dtable2");
    }

    @Test
    void otherRulesNeverAskThePins() {
        RoutingTable t = after(null);
        assertThat(forward(router.route(TestRequest.get("/git/" + BASE), t)).server().name()).isEqualTo("dtable1");
        forward(router.route(TestRequest.get("/hashed/" + BASE), t));
        forward(router.route(TestRequest.get("/other/" + BASE), t));
        forward(router.route(TestRequest.get("/dtable-server/ping"), t));

        assertThat(pins.asked).isEmpty();
    }

    @Test
    void withoutPinsAMovedKeyFollowsTheMapAtOnce() {
        Router plain = new Router(LoadSignal.NONE, () -> 0L);
        assertThat(forward(plain.route(TestRequest.get("/dtable-server/" + BASE), before(null))).server().name())
                .isEqualTo("dtable1");
        assertThat(forward(plain.route(TestRequest.get("/dtable-server/" + BASE), after(null))).server().name())
                .isEqualTo("dtable2");
    }
}
