package dev.tether.core.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.metrics.BackendStats;
import dev.tether.core.metrics.ServerStats;
import dev.tether.routing.model.ServerState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatsPageTest {

    private static final long NOW = 1_700_000_000_000L;
    private static final String NASTY = "a\"<b>&'\\\n\t\u0001\u2028z";

    private static List<BackendStats> nastyStats() {
        ServerStats s = new ServerStats(NASTY, NASTY, ServerState.DOWN, NOW - 90_000, false, NOW - 1000, 2_345_678,
                "status 500 <oops>", 2, false, 1, 3, 0, 10, 2, 300, 4000, 5, 7, 42);
        return List.of(new BackendStats(NASTY, 0, 0, List.of(s)));
    }

    @Test
    void jsonHasStickTableKeysOnlyForBackendsWithATable() {
        ServerStats s = nastyStats().get(0).servers().get(0);
        String json = StatsPage.json(List.of(new BackendStats("api", 0, 0, List.of(s), 42),
                new BackendStats("web", 0, 0, List.of(s))), NOW);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> backends =
                (List<Map<String, Object>>) ((Map<String, Object>) JsonReader.parse(json)).get("backends");
        assertThat(backends.get(0).get("stickTableKeys")).isEqualTo(42.0);
        assertThat(backends.get(1)).doesNotContainKey("stickTableKeys");
    }

    @Test
    void jsonEscapesNamesAndParsesBackToTheSameValues() {
        String json = StatsPage.json(nastyStats(), NOW);

        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) JsonReader.parse(json);
        @SuppressWarnings("unchecked")
        Map<String, Object> backend = ((List<Map<String, Object>>) root.get("backends")).get(0);
        assertThat(backend.get("name")).isEqualTo(NASTY);
        @SuppressWarnings("unchecked")
        Map<String, Object> server = ((List<Map<String, Object>>) backend.get("servers")).get(0);
        assertThat(server.get("name")).isEqualTo(NASTY);
        assertThat(server.get("state")).isEqualTo("DOWN");
        assertThat(server.get("requests")).isEqualTo(10.0);
        assertThat(server.get("responses5xx")).isEqualTo(2.0);
        assertThat(server.get("bytesIn")).isEqualTo(300.0);
        assertThat(server.get("bytesOut")).isEqualTo(4000.0);
        assertThat(server.get("stickyRouted")).isEqualTo(5.0);
        assertThat(server.get("pinnedSessions")).isEqualTo(7.0);
        assertThat(server.get("slowStartPercent")).isEqualTo(42.0);
        assertThat(server.get("stateSinceMillis")).isEqualTo((double) (NOW - 90_000));
        assertThat(server.get("lastCheck")).isEqualTo(Map.of("passed", false, "at", "2023-11-14T22:13:19Z",
                "latencyMillis", 2.3, "detail", "status 500 <oops>"));
        assertThat(json).doesNotContain("\u2028").doesNotContain("\u0001");
    }

    @Test
    void htmlEscapesEveryName() {
        String html = StatsPage.html(nastyStats(), NOW);

        assertThat(html).doesNotContain("<b>").doesNotContain("<oops>");
        assertThat(html).contains("a&quot;&lt;b&gt;&amp;&#39;\\");
        assertThat(html).contains("FAIL in 2.3 ms: status 500 &lt;oops&gt;");
        assertThat(html).contains("(1m 30s ago)");
        assertThat(html).contains(">2 (slow start 42%)<").contains("<td class=\"pinned\">7</td>");
        assertThat(html).doesNotContain("<script");
    }

    @ParameterizedTest
    @CsvSource({"0, 0s", "59999, 59s", "60000, 1m 0s", "3599000, 59m 59s", "3600000, 1h 0m", "90000000, 1d 1h",
        "-5, 0s"})
    void agesReadLikeHaproxy(long millis, String text) {
        assertThat(StatsPage.ago(millis)).isEqualTo(text);
    }
}
