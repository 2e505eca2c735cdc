package dev.tether.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.routing.config.BackendConfig;
import dev.tether.routing.config.BalanceAlgorithm;
import dev.tether.routing.config.RoutingConfig;
import dev.tether.routing.config.ServerConfig;
import dev.tether.routing.config.StickyCookieConfig;
import dev.tether.routing.model.ServerState;
import dev.tether.routing.redispatch.RetryOn;
import dev.tether.routing.sticky.StickyCookies;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Gradual drain: a draining server keeps its active sticky sessions; one idle past drain-idle-timeout moves. */
class RouterDrainTest {

    private static final long T0 = 1_800_000_000_000L;
    private final AtomicLong clock = new AtomicLong(T0);
    private final Router router = new Router(LoadSignal.NONE, clock::get);

    private static RoutingTable table(StickyCookieConfig cookie, Duration drainIdle) {
        BackendConfig app = new BackendConfig("app", BalanceAlgorithm.ROUND_ROBIN, List.of(
                ServerConfig.of("node1", "127.0.0.1", 8081), ServerConfig.of("node2", "127.0.0.1", 8082)),
                cookie, 3, true, RetryOn.DEFAULT, null, drainIdle);
        return RoutingTable.compile(new RoutingConfig(List.of(), List.of(app), "app"));
    }

    private static StickyCookieConfig maxIdleDay() {
        return new StickyCookieConfig("SRV", false, false, true, false, null, Duration.ofDays(1), Duration.ZERO);
    }

    private static RoutingTable table(Duration drainIdle) {
        return table(StickyCookieConfig.insert("SRV"), drainIdle);
    }

    private RouteDecision.Forward route(RoutingTable t, String cookie) {
        TestRequest r = TestRequest.get("/");
        return (RouteDecision.Forward) router.route(cookie == null ? r : r.cookie("SRV", cookie), t);
    }

    private static String cookieValue(RouteDecision.Forward d) {
        String header = ((CookieAction.Set) d.cookieAction()).setCookieValue();
        return header.substring(header.indexOf('=') + 1, header.indexOf(';'));
    }

    /** A cookie for node1 issued at T0. */
    private String node1Cookie(RoutingTable t) {
        RouteDecision.Forward d = route(t, null);
        if (!d.server().name().equals("node1")) {
            d = route(t, null);
        }
        assertThat(d.server().name()).isEqualTo("node1");
        return cookieValue(d);
    }

    @Test
    void anActiveSessionStaysOnTheDrainingServerAndAnIdleOneMovesWithANewCookie() {
        RoutingTable t = table(Duration.ofMinutes(5));
        String active = node1Cookie(t);
        String idle = active;
        t = t.withServerState("app", "node1", ServerState.DRAIN);
        // The active session comes back every 2 minutes; its last-seen date is refreshed every 75 s.
        for (int minute = 2; minute <= 12; minute += 2) {
            clock.set(T0 + minute * 60_000L);
            RouteDecision.Forward d = route(t, active);
            assertThat(d.server().name()).isEqualTo("node1");
            assertThat(d.cookieStatus()).isEqualTo(CookieStatus.VALID);
            if (d.cookieAction() instanceof CookieAction.Set) {
                active = cookieValue(d);
            }
        }
        // The idle one was last seen at T0, 12 minutes ago.
        RouteDecision.Forward moved = route(t, idle);
        assertThat(moved.server().name()).isEqualTo("node2");
        assertThat(moved.cookieStatus()).isEqualTo(CookieStatus.DRAIN_IDLE);
        assertThat(moved.reason()).isEqualTo(Reason.REDISPATCHED);
        String newCookie = cookieValue(moved);
        assertThat(newCookie).isNotEqualTo(idle);
        assertThat(route(t, newCookie).server().name()).isEqualTo("node2");
    }

    @ParameterizedTest(name = "idle {0} s, drain-idle {1} s, {2} -> {3}")
    @CsvSource({
        "301, 300, DRAIN, node2",
        "299, 300, DRAIN, node1",   // not idle long enough
        "301, 300, UP,    node1",   // an up server keeps idle sessions: only a drain moves them
        "3600, 0,  DRAIN, node1",   // drain-idle-timeout off: drain keeps every session
    })
    void onlyASessionIdleLongerThanTheTimeoutOnADrainingServerMoves(
            long idleSeconds, long drainIdleSeconds, ServerState state, String expected) {
        RoutingTable t = table(maxIdleDay(),
                Duration.ofSeconds(drainIdleSeconds));
        String cookie = node1Cookie(t);
        t = t.withServerState("app", "node1", state);
        clock.set(T0 + idleSeconds * 1000);
        assertThat(route(t, cookie).server().name()).isEqualTo(expected);
    }

    @Test
    void anIdleSessionStaysWhenTheDrainingServerIsTheOnlyOneLeft() {
        RoutingTable t = table(Duration.ofSeconds(10));
        String cookie = node1Cookie(t);
        t = t.withServerState("app", "node1", ServerState.DRAIN).withServerState("app", "node2", ServerState.DOWN);
        clock.set(T0 + 60_000);
        RouteDecision.Forward d = route(t, cookie);
        assertThat(d.server().name()).isEqualTo("node1");
        assertThat(d.cookieStatus()).isEqualTo(CookieStatus.DRAIN_IDLE);
    }

    @Test
    void aCookieIssuedWithoutDatesCountsAsActiveAndGetsDates() {
        RoutingTable undated = table(Duration.ZERO);
        String old = node1Cookie(undated);
        assertThat(old).doesNotContain(".");
        RoutingTable t = table(Duration.ofSeconds(10)).withServerState("app", "node1", ServerState.DRAIN);
        clock.set(T0 + 3_600_000);
        RouteDecision.Forward d = route(t, old);
        assertThat(d.server().name()).isEqualTo("node1");
        assertThat(cookieValue(d)).contains(".");
    }

    @Test
    void drainIdleDatesTheCookieAndRefreshesItEveryQuarterOfTheTighterLimit() {
        StickyCookies plain = new StickyCookies(StickyCookieConfig.insert("SRV"), List.of("a"), null, Duration.ZERO);
        StickyCookies drain = new StickyCookies(StickyCookieConfig.insert("SRV"), List.of("a"), null,
                Duration.ofMinutes(5));
        assertThat(plain.dated()).isFalse();
        assertThat(drain.dated()).isTrue();
        String v = drain.value(0, T0 / 1000, T0 / 1000);
        assertThat(StickyCookies.needsRefresh(drain.read(v, T0 + 74_000))).isFalse();
        assertThat(StickyCookies.needsRefresh(drain.read(v, T0 + 75_000))).isTrue();
        assertThat(StickyCookies.idleOverDrain(drain.read(v, T0 + 300_000))).isFalse();
        assertThat(StickyCookies.idleOverDrain(drain.read(v, T0 + 301_000))).isTrue();
        StickyCookies both = new StickyCookies(maxIdleDay(),
                List.of("a"), null, Duration.ofMinutes(5));
        assertThat(StickyCookies.needsRefresh(both.read(v, T0 + 75_000))).isTrue();
    }
}
