package dev.tether.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScenariosTest {

    @Test
    void defaultSelectionIsEveryRunnableScenarioInCatalogueOrder() {
        List<Scenario> all = Scenarios.select(List.of());
        assertThat(all).extracting(Scenario::name).containsExactly("keepalive-small", "close-small",
                "keepalive-16k", "keepalive-1m", "upload-1m", "sticky-cookie", "fixed-rate-sticky", "fixed-rate-churn",
                "uuid-map-1000",
                "websocket-echo");
        assertThat(all).noneMatch(Scenario::pending);
    }

    @Test
    void quickListsTheHeadlineAndTheFixedRateRunWithTheRateKnob() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Main.scenarios(Map.of("quick", "true", "rate", "3000"), new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(out.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "keepalive-small\tplain\twrk\tdirect,tether,haproxy,nginx\t64\t0\tGET\t/small\t0.0",
                "fixed-rate-sticky\tsticky\tload-harness\tdirect,tether,haproxy,nginx\t200\t3000\tGET\t/small\t0.0");
    }

    @Test
    void namedScenariosRunInCatalogueOrder() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Main.scenarios(Map.of("names", "uuid-map-1000,close-small"),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8).lines()).extracting(l -> l.split("\t")[0])
                .containsExactly("close-small", "uuid-map-1000");
    }

    @Test
    void aPendingScenarioIsNamedButNotRun() {
        Scenario pending = new Scenario("x", "", Profile.PLAIN, Driver.WRK, "GET", "/", 0, false, false, 1, 0, 0,
                List.of(Contestant.TETHER), "not yet");
        assertThat(pending.pending()).isTrue();
        assertThat(Scenarios.all()).noneMatch(Scenario::pending);
    }

    @Test
    void aTypoStopsBeforeAnythingStarts() {
        assertThatThrownBy(() -> Scenarios.select(List.of("keepalive-smal")))
                .hasMessageContaining("unknown scenario 'keepalive-smal'")
                .hasMessageContaining("keepalive-small");
    }
}
