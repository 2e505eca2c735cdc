package dev.tether.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.bench.harness.TetherVariant.AccessLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TetherVariantTest {

    @Test
    void metricsOnAndOffGiveTwoTethersDefaultFirst() {
        assertThat(TetherVariant.combinations("off,on", "off")).extracting(TetherVariant::label)
                .containsExactly("tether", "tether-nometrics");
    }

    @Test
    void everyCombinationOnceInReportOrder() {
        assertThat(TetherVariant.combinations("on,off,on", "file,off,stdout")).extracting(TetherVariant::label)
                .containsExactly("tether", "tether-log-stdout", "tether-log-file", "tether-nometrics",
                        "tether-nometrics-log-stdout", "tether-nometrics-log-file");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "tether                      | -Dtether.access.log=off",
        "tether-nometrics            | -Dtether.access.log=off -Dtether.metrics=off",
        "tether-log-stdout           | -Dtether.access.log=stdout",
        "tether-nometrics-log-file   | -Dtether.access.log=file -Dtether.access.file=/r/access-tether-nometrics-log-file.log"
                + " -Dtether.metrics=off",
    })
    void labelsParseBackAndNameTheirJavaOptions(String label, String options) {
        TetherVariant v = TetherVariant.parseLabel(label);
        assertThat(v.label()).isEqualTo(label);
        assertThat(v.javaOptions(Path.of("/r"))).isEqualTo(options);
        assertThat(Contestant.ofLabel(label)).isEqualTo(Contestant.TETHER);
    }

    @Test
    void eachVariantIsComparedWithTheOneWithoutItsFeature() {
        assertThat(TetherVariant.DEFAULT.reference()).isNull();
        assertThat(TetherVariant.parseLabel("tether-nometrics").reference()).isEqualTo(TetherVariant.DEFAULT);
        assertThat(TetherVariant.parseLabel("tether-log-file").reference()).isEqualTo(TetherVariant.DEFAULT);
        assertThat(TetherVariant.parseLabel("tether-nometrics-log-stdout").reference())
                .isEqualTo(new TetherVariant(true, AccessLog.STDOUT));
    }

    @Test
    void typosStopBeforeAnythingStarts() {
        assertThatThrownBy(() -> TetherVariant.combinations("on,of", "off")).hasMessage("--metrics of (expected on or off)");
        assertThatThrownBy(() -> TetherVariant.combinations("on", "stderr"))
                .hasMessage("--access-log stderr (expected off, stdout or file)");
        assertThatThrownBy(() -> TetherVariant.combinations("", "off")).hasMessage("--metrics needs at least one value");
        assertThatThrownBy(() -> Contestant.ofLabel("tether-fast")).hasMessageContaining("'tether-fast'");
        assertThatThrownBy(() -> Contestant.ofLabel("haproxy-nometrics")).hasMessageContaining("unknown contestant");
    }

    @Test
    void subcommandPrintsLabelAndOptionsPerLine() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Main.tetherVariants(Map.of("metrics", "on,off", "dir", "/r"), new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "tether\t-Dtether.access.log=off",
                "tether-nometrics\t-Dtether.access.log=off -Dtether.metrics=off");
    }
}
