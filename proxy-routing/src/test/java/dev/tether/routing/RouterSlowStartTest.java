package dev.tether.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.routing.balance.SlowStart;
import dev.tether.routing.config.BackendConfig;
import dev.tether.routing.config.BalanceAlgorithm;
import dev.tether.routing.config.RoutingConfig;
import dev.tether.routing.config.ServerConfig;
import dev.tether.routing.model.Server;
import dev.tether.routing.model.ServerState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** A server back from DOWN ramps its share of new sessions up over the slow start, with a clock moved by hand. */
class RouterSlowStartTest {

    private static final long T0 = 1_800_000_000_000L;
    private static final long RAMP = 10_000;
    private final AtomicLong clock = new AtomicLong(T0);
    private final Map<String, Integer> inFlight = new HashMap<>();
    private final Router router = new Router(s -> inFlight.getOrDefault(s.name(), 0), clock::get);

    private static RoutingTable table(BalanceAlgorithm balance, ServerConfig... servers) {
        BackendConfig app = new BackendConfig("app", balance, List.of(servers), null, 3, true);
        return RoutingTable.compile(new RoutingConfig(List.of(), List.of(app), "app"));
    }

    private static RoutingTable twoServers(BalanceAlgorithm balance) {
        return table(balance, ServerConfig.of("a", "127.0.0.1", 1), ServerConfig.of("b", "127.0.0.1", 2));
    }

    /** b goes down and comes back at T0 with the slow start. */
    private static RoutingTable bBackAtT0(RoutingTable t) {
        return t.withServerState("app", "b", ServerState.DOWN, T0 - 5000, RAMP)
                .withServerState("app", "b", ServerState.UP, T0, RAMP);
    }

    private Map<String, Integer> route(RoutingTable t, int n) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Server s = ((RouteDecision.Forward) router.route(TestRequest.get("/"), t)).server();
            counts.merge(s.name(), 1, Integer::sum);
        }
        return counts;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = BalanceAlgorithm.class, names = {"ROUND_ROBIN", "POWER_OF_TWO", "LEAST_CONNECTIONS"})
    void aServerBackUpTakesAShareGrowingWithTheRampAndItsFullShareAfter(BalanceAlgorithm balance) {
        RoutingTable t = bBackAtT0(twoServers(balance));
        // Its balanced share is one half: a quarter into the ramp it takes at most a quarter of that.
        clock.set(T0 + RAMP / 4);
        int early = route(t, 1000).getOrDefault("b", 0);
        assertThat(early).isBetween(1, 1000 / 2 / 4 + 1);
        clock.set(T0 + RAMP * 3 / 4);
        int later = route(t, 1000).getOrDefault("b", 0);
        // Three quarters in, it takes about three quarters of its share: no catching up on the first quarter.
        assertThat(later).isGreaterThan(early).isBetween(1000 / 2 * 3 / 4 - 40, 1000 / 2 * 3 / 4 + 2);
        clock.set(T0 + RAMP);
        assertThat(route(t, 1000).get("b")).isBetween(400, 600);
    }

    @Test
    void leastConnectionsDoesNotFloodTheEmptyServerBackUp() {
        RoutingTable t = bBackAtT0(twoServers(BalanceAlgorithm.LEAST_CONNECTIONS));
        inFlight.put("a", 50); // a is busy, b is empty: without slow start every new session would go to b
        clock.set(T0 + RAMP / 10);
        assertThat(route(t, 1000).getOrDefault("b", 0)).isBetween(1, 101);
        clock.set(T0 + RAMP);
        assertThat(route(t, 1000).get("b")).isEqualTo(1000);
    }

    @Test
    void roundRobinRampIsExactAndTheFirstSessionProbesTheServer() {
        RoutingTable t = bBackAtT0(twoServers(BalanceAlgorithm.ROUND_ROBIN));
        clock.set(T0 + 1);
        Map<String, Integer> first = route(t, 2);
        assertThat(first).containsEntry("b", 1);
        clock.set(T0 + RAMP / 2);
        // Half way: of 1002 picks b takes at most a half of its half share.
        int b = route(t, 1000).getOrDefault("b", 0) + first.get("b");
        assertThat(b).isBetween(240, 251);
    }

    @Test
    void theOnlyUsableServerServesEvenWhileRamping() {
        RoutingTable t = bBackAtT0(twoServers(BalanceAlgorithm.ROUND_ROBIN))
                .withServerState("app", "a", ServerState.DOWN);
        clock.set(T0 + 1);
        assertThat(route(t, 100)).containsExactly(Map.entry("b", 100));
    }

    @Test
    void aRampingPrimaryNeverSendsTrafficToABackup() {
        RoutingTable t = table(BalanceAlgorithm.ROUND_ROBIN, ServerConfig.of("a", "127.0.0.1", 1),
                new ServerConfig("spare", "127.0.0.1", 3, 1, true, 0));
        t = t.withServerState("app", "a", ServerState.DOWN, T0 - 1, RAMP)
                .withServerState("app", "a", ServerState.UP, T0, RAMP);
        clock.set(T0 + 1);
        assertThat(route(t, 100)).containsExactly(Map.entry("a", 100));
    }

    @ParameterizedTest(name = "{0} -> {1}: ramping {2}")
    @CsvSource({
        "DOWN,  UP,    true",
        "MAINT, UP,    true",
        "DRAIN, UP,    false",
        "DOWN,  DRAIN, false",
    })
    void onlyAServerComingBackFromDownOrMaintRamps(ServerState from, ServerState to, boolean ramping) {
        RoutingTable t = twoServers(BalanceAlgorithm.ROUND_ROBIN).withServerState("app", "b", from, T0 - 10, RAMP)
                .withServerState("app", "b", to, T0, RAMP);
        assertThat(t.slowStart("app", "b") != null).isEqualTo(ramping);
    }

    @Test
    void rampsEndLeaveWithTheTableAndAServerGoingDownLosesItsRamp() {
        RoutingTable t = bBackAtT0(twoServers(BalanceAlgorithm.ROUND_ROBIN));
        SlowStart ramp = t.slowStart("app", "b");
        assertThat(ramp.startMillis()).isEqualTo(T0);
        assertThat(ramp.share(T0 + RAMP / 2)).isEqualTo(0.5);
        assertThat(t.withoutFinishedSlowStarts(T0 + RAMP - 1)).isSameAs(t);
        assertThat(t.withoutFinishedSlowStarts(T0 + RAMP).slowStart("app", "b")).isNull();
        assertThat(t.withServerState("app", "b", ServerState.DOWN).slowStart("app", "b")).isNull();
        assertThat(t.withServerState("app", "b", ServerState.DRAIN).slowStart("app", "b")).isSameAs(ramp);
        assertThat(twoServers(BalanceAlgorithm.ROUND_ROBIN).withServerState("app", "b", ServerState.DOWN)
                .withServerState("app", "b", ServerState.UP).slowStart("app", "b")).as("no slow start configured")
                .isNull();
    }

    @Test
    void aRecompiledTableKeepsTheRampsStillRunning() {
        RoutingTable ramping = bBackAtT0(twoServers(BalanceAlgorithm.ROUND_ROBIN));
        SlowStart ramp = ramping.slowStart("app", "b");
        RoutingTable recompiled = twoServers(BalanceAlgorithm.ROUND_ROBIN);
        assertThat(recompiled.withSlowStartsOf(ramping).slowStart("app", "b")).isSameAs(ramp);
        assertThat(recompiled.withSlowStartsOf(ramping).slowStart("app", "a")).isNull();
        assertThat(recompiled.withServerState("app", "b", ServerState.MAINT).withSlowStartsOf(ramping)
                .slowStart("app", "b")).as("no longer up").isNull();
        assertThat(recompiled.withSlowStartsOf(twoServers(BalanceAlgorithm.ROUND_ROBIN))).isSameAs(recompiled);
    }
}
