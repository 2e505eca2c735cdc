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
import dev.tether.routing.model.ServerState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouterHashTest {

    private final Router router = new Router();

    private static RoutingTable table(String key, UnavailablePolicy policy) {
        BackendConfig app = new BackendConfig("app", BalanceAlgorithm.ROUND_ROBIN, List.of(
                        ServerConfig.of("s1", "127.0.0.1", 1), ServerConfig.of("s2", "127.0.0.1", 2),
                        ServerConfig.of("s3", "127.0.0.1", 3), new ServerConfig("b", "127.0.0.1", 4, 1, true, 0)),
                null, 0, true);
        RouteConfig route = RouteConfig.hash("tenants", RouteMatch.ANY, "app", new HashConfig(key, policy));
        return RoutingTable.compile(new RoutingConfig(List.of(route), List.of(app), null));
    }

    private static TestRequest request(String key) {
        return TestRequest.get("/api/" + key + "/rows").header("X-Tenant", key).cookie("sid", key).client(key);
    }

    private String server(TestRequest request, RoutingTable t) {
        return ((RouteDecision.Forward) router.route(request, t)).server().name();
    }

    @ParameterizedTest
    @CsvSource({"uuid", "header:X-Tenant", "cookie:sid", "source"})
    void oneKeyOneServerAndKeysSpreadOverPrimaries(String key) {
        RoutingTable t = table(key, null);
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            String k = UUID.randomUUID().toString();
            String first = server(request(k), t);
            assertThat(server(request(k), t)).isEqualTo(first);
            RouteDecision.Forward d = (RouteDecision.Forward) router.route(request(k), t);
            assertThat(d.reason()).isEqualTo(Reason.HASH);
            counts.merge(first, 1, Integer::sum);
        }
        assertThat(counts).containsOnlyKeys("s1", "s2", "s3");
        assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(700, 1300));
    }

    @Test
    void retriesOfAHashedKeyWalkTheRingInOneOrder() {
        RoutingTable t = table("header:X-Tenant", null);
        for (int i = 0; i < 100; i++) {
            TestRequest r = request("t" + i);
            RouteDecision.Forward owner = (RouteDecision.Forward) router.route(r, t);
            RouteDecision.Forward second = (RouteDecision.Forward) router.reroute(r, t, owner, Set.of());
            // Exactly where the ring fallback sends the key when its owner is down.
            RouteDecision.Forward fallback = (RouteDecision.Forward) router.route(r,
                    t.withServerState("app", owner.server().name(), ServerState.DOWN));
            assertThat(second.server()).isEqualTo(fallback.server());
            assertThat(second.reason()).isEqualTo(Reason.REDISPATCHED);
            for (int j = 0; j < 3; j++) {
                assertThat(((RouteDecision.Forward) router.reroute(r, t, owner, Set.of())).server())
                        .as("the same order every time").isEqualTo(second.server());
            }
            RouteDecision third = router.reroute(r, t, second, Set.of(owner.server().id()));
            assertThat(((RouteDecision.Forward) third).server()).isNotIn(owner.server(), second.server());
            RouteDecision none = router.reroute(r, t, (RouteDecision.Forward) third,
                    Set.of(owner.server().id(), second.server().id()));
            assertThat(((RouteDecision.Forward) none).server().name()).as("the backup, through the balancer")
                    .isEqualTo("b");
        }
    }

    @Test
    void aDownOwnerFallsBackAlongTheRingConsistently() {
        RoutingTable t = table("header:X-Tenant", null);
        Map<String, String> owners = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            owners.put("t" + i, server(request("t" + i), t));
        }
        RoutingTable down = t.withServerState("app", "s2", ServerState.DOWN);
        for (Map.Entry<String, String> e : owners.entrySet()) {
            RouteDecision.Forward d = (RouteDecision.Forward) router.route(request(e.getKey()), down);
            if (e.getValue().equals("s2")) {
                assertThat(d.server().name()).isNotEqualTo("s2");
                assertThat(d.reason()).isEqualTo(Reason.REDISPATCHED);
                assertThat(server(request(e.getKey()), down)).isEqualTo(d.server().name());
            } else {
                assertThat(d.server().name()).as("keys of usable servers stay").isEqualTo(e.getValue());
            }
        }
    }

    @Test
    void refuseAnswers503AndAMissingKeyIsBalanced() {
        RoutingTable t = table("header:X-Tenant", UnavailablePolicy.REFUSE);
        String owner = server(request("acme"), t);
        RouteDecision d = router.route(request("acme"), t.withServerState("app", owner, ServerState.DOWN));
        assertThat(d).isInstanceOfSatisfying(RouteDecision.Reject.class,
                r -> assertThat(r.reason()).isEqualTo(Reason.PINNED_SERVER_UNAVAILABLE));
        RouteDecision.Forward noKey = (RouteDecision.Forward) router.route(TestRequest.get("/"), t);
        assertThat(noKey.reason()).isEqualTo(Reason.BALANCED);
    }

    @Test
    void everyPrimaryDownFallsBackToTheBalancerAndItsBackup() {
        RoutingTable t = table("header:X-Tenant", null);
        for (String s : List.of("s1", "s2", "s3")) {
            t = t.withServerState("app", s, ServerState.DOWN);
        }
        assertThat(server(request("acme"), t)).isEqualTo("b");
    }
}
