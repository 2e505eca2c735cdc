package dev.tether.routing.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UuidMapConfigTest {

    @Test
    void acceptsFullCoverage() {
        UuidMapConfig map = UuidMapConfig.ofRanges(Map.of("0-9", "a", "a-f", "b"));
        assertThat(map.onUnavailable()).isEqualTo(UnavailablePolicy.REFUSE);
        assertThat(map.servers()).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void aDefaultServerCoversTheRest() {
        new UuidMapConfig(null, Map.of("0-3", "a"), Map.of("ff84e1a1-66e2", "b"), "c", null);
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> new UuidMapConfig("([a-f", Map.of("0-9", "a", "5-b", "b", "x", "c", "9-0", "d"),
                        Map.of("ff84e1a1-66e2", "a", "FF84E1A166E2", "b", "xyz", "c",
                                "0123456789abcdef0123456789abcdef0", "d"), null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pattern = ([a-f: not a valid Java regex")
                .hasMessageContaining("ranges: \"0-9\" and \"5-b\" overlap on '5'")
                .hasMessageContaining("overlap on '9'")
                .hasMessageContaining("\"x\" is not a hex character or range")
                .hasMessageContaining("\"9-0\" is not a hex character or range")
                .hasMessageContaining("ranges do not cover first characters [cdef]")
                .hasMessageContaining("\"FF84E1A166E2\" and \"ff84e1a1-66e2\" are the same prefix")
                .hasMessageContaining("\"xyz\" is not a UUID prefix")
                .hasMessageContaining("\"0123456789abcdef0123456789abcdef0\" is not a UUID prefix");
    }

    @ParameterizedTest
    @CsvSource({"0-9, 0, 9", "a-f, 10, 15", "7, 7, 7", "A-F, 10, 15", "3-3, 3, 3"})
    void parsesRanges(String key, int from, int to) {
        assertThat(UuidMapConfig.parseRange(key)).containsExactly(from, to);
    }

    @Test
    void routingConfigChecksThatMappedServersExist() {
        BackendConfig app = new BackendConfig("app", BalanceAlgorithm.ROUND_ROBIN,
                List.of(ServerConfig.of("dtable1", "127.0.0.1", 1), ServerConfig.of("dtable2", "127.0.0.1", 2)),
                null, 0, false);
        UuidMapConfig map = new UuidMapConfig(null, Map.of("0-9", "dtable1", "a-f", "dtable3"),
                Map.of("ff", "dtable4"), null, null);
        assertThatThrownBy(() -> new RoutingConfig(
                        List.of(RouteConfig.uuidMap("shards", RouteMatch.pathPrefix("/dtable-server/"), "app", map)),
                        List.of(app), null))
                .hasMessageContaining("route shards: uuid-map names server dtable3, which backend app does not have")
                .hasMessageContaining("names server dtable4");
    }

    @Test
    void aRouteHasAtMostOnePin() {
        assertThatThrownBy(() -> new RouteConfig("r", null, "app", "s1", null,
                        UuidMapConfig.ofRanges(Map.of("0-f", "s1")), null))
                .hasMessageContaining("at most one of use-server, uuid-map and hash");
    }

    @ParameterizedTest
    @CsvSource({"uuid, UUID,", "source, SOURCE,", "header:X-Tenant, HEADER, X-Tenant", "cookie:sid, COOKIE, sid"})
    void parsesHashKeys(String key, HashConfig.Source source, String name) {
        HashConfig h = HashConfig.of(key);
        assertThat(h.source()).isEqualTo(source);
        assertThat(h.name()).isEqualTo(name);
        assertThat(h.onUnavailable()).isEqualTo(UnavailablePolicy.FALLBACK);
    }

    @ParameterizedTest
    @CsvSource({"path", "header:", "query:x"})
    void rejectsUnknownHashKeys(String key) {
        assertThatThrownBy(() -> HashConfig.of(key)).hasMessageContaining("expected uuid, source, header:NAME");
    }

    @Test
    void routeNamesAreUnique() {
        BackendConfig app = new BackendConfig("app", BalanceAlgorithm.ROUND_ROBIN,
                List.of(ServerConfig.of("s", "127.0.0.1", 1)), null, 0, false);
        assertThatThrownBy(() -> new RoutingConfig(List.of(RouteConfig.to("r", RouteMatch.ANY, "app"),
                        RouteConfig.to("r", RouteMatch.pathPrefix("/x/"), "app")), List.of(app), null))
                .hasMessageContaining("duplicate route name r");
    }

    @ParameterizedTest
    @CsvSource({"'a b'", "x.y", "''", "0123456789abcdef0123456789abcdef0"})
    void serverCookieValuesAreCookieSafe(String cookie) {
        assertThatThrownBy(() -> new ServerConfig("s", "127.0.0.1", 1, 1, false, 0, cookie))
                .hasMessageContaining("cookie = " + cookie);
    }
}
