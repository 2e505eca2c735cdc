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
                "keepalive-16k", "keepalive-1m", "upload-1m", "sticky-cookie", "fixed-rate-sticky", "websocket-echo");
        assertThat(all).noneMatch(Scenario::pending);
    }

    @Test
    void quickListsTheHeadlineAndTheFixedRateRunWithTheRateKnob() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Main.scenarios(Map.of("quick", "true", "rate", "3000"), new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(out.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "keepalive-small\tplain\twrk\tdirect,tether,haproxy,nginx\t64\t0\tGET\t/small",
                "fixed-rate-sticky\tsticky\tload-harness\tdirect,tether,haproxy,nginx\t200\t3000\tGET\t/small");
    }

    @Test
    void pendingScenariosAreNamedButNotRun() {
        assertThat(Scenarios.byName("uuid-map-1000").pending()).isTrue();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Main.scenarios(Map.of("names", "uuid-map-1000,close-small"),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8).lines()).singleElement().asString()
                .startsWith("close-small\t");
    }

    @Test
    void aTypoStopsBeforeAnythingStarts() {
        assertThatThrownBy(() -> Scenarios.select(List.of("keepalive-smal")))
                .hasMessageContaining("unknown scenario 'keepalive-smal'")
                .hasMessageContaining("keepalive-small");
    }
}
