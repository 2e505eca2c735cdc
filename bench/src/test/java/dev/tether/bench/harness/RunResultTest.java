package dev.tether.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Parsing of outputs captured from wrk 4.1.0 (Debian 12) with and without the generated script. */
class RunResultTest {

    static Stream<Arguments> capturedOutputs() {
        return Stream.of(
                // file, requests, seconds, errors, p50 us, p99 us, p99.9 us
                Arguments.of("keepalive-small.out", 63587, 2.071852, 0, 752, 62632, 77721.0),
                Arguments.of("upload-1m.out", 2146, 1.006543, 0, 1463, 6050, 9799.0),
                // wrk's own text: no p99.9, errors from "Non-2xx" and "Socket errors" lines
                Arguments.of("plain-non2xx.out", 48419, 2.03, 48419, 1560, 21780, Double.NaN),
                Arguments.of("plain-socket-errors.out", 97, 5.03, 57, 1_090_000, 1_990_000, Double.NaN));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("capturedOutputs")
    void parsesCapturedWrkOutput(String file, long requests, double seconds, long errors, double p50, double p99,
            double p999) throws IOException {
        RunResult r = RunResult.parse(resource("/wrk/" + file));

        assertThat(r.requests()).isEqualTo(requests);
        assertThat(r.durationSeconds()).isCloseTo(seconds, within(1e-6));
        assertThat(r.errors()).isEqualTo(errors);
        assertThat(r.p50Micros()).isCloseTo(p50, within(0.01));
        assertThat(r.p99Micros()).isCloseTo(p99, within(0.01));
        if (Double.isNaN(p999)) {
            assertThat(r.p999Micros()).isNaN();
        } else {
            assertThat(r.p999Micros()).isCloseTo(p999, within(0.01));
        }
        assertThat(r.violations()).isEqualTo(-1);
        assertThat(r.requestsPerSecond()).isCloseTo(requests / seconds, within(0.01));
    }

    @Test
    void benchLineWinsOverWrkTextAndSumsEveryErrorKind() {
        String out = """
                  1000 requests in 1.00s, 1MB read
                Requests/sec:   1000.00
                BENCH requests=5000 duration_us=2000000 errors_connect=1 errors_status=2 errors_reset=3 \
                errors_unfinished=4 p50_us=100 p99_us=900 p999_us=1500 max_us=2000 violations=7 offered=5010
                """;

        RunResult r = RunResult.parse(out);

        assertThat(r.requests()).isEqualTo(5000);
        assertThat(r.requestsPerSecond()).isEqualTo(2500.0);
        assertThat(r.errors()).isEqualTo(10);
        assertThat(r.p999Micros()).isEqualTo(1500.0);
        assertThat(r.violations()).isEqualTo(7);
    }

    @ParameterizedTest
    @CsvSource({"violations=0 sticky=0, -1", "violations=3 sticky=900, 3", "violations=0, 0"})
    void violationsCountOnlyWhenSessionsCarriedTheCookie(String tail, long violations) {
        String line = "BENCH requests=1 duration_us=1 p50_us=1 p99_us=1 " + tail;
        assertThat(RunResult.parse(line).violations()).isEqualTo(violations);
    }

    @ParameterizedTest
    @CsvSource({"812.00, us, 812", "1.06, ms, 1060", "2.5, s, 2500000", "1.00, m, 60000000"})
    void wrkTimeUnits(String number, String unit, double micros) {
        assertThat(RunResult.toMicros(number, unit)).isCloseTo(micros, within(1e-6));
    }

    @Test
    void outputWithoutResultsSaysWhatIsMissing() {
        assertThatThrownBy(() -> RunResult.parse("unable to connect to 127.0.0.1:1 Connection refused\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("requests in")
                .hasMessageContaining("Connection refused");
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = RunResultTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
