package dev.tether.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProbeResultTest {

    @ParameterizedTest
    @CsvSource({
        "REFUSED, 0, 1, connection refused",
        "CONNECT_TIMEOUT, 0, 2000, connect timeout after 2000 ms",
        "RESPONSE_TIMEOUT, 0, 2000, response timeout after 2000 ms",
        "BAD_STATUS, 500, 12, status 500",
        "RESET, 0, 5, connection reset",
        "OTHER, 0, 5, probe error",
    })
    void describesFailuresForTheLog(ProbeFailure failure, int status, long millis, String text) {
        assertThat(ProbeResult.fail(failure, status, Duration.ofMillis(millis)).describe()).isEqualTo(text);
    }

    @Test
    void describesPassesWithLatencyAndFailuresWithDetail() {
        assertThat(ProbeResult.pass(204, Duration.ofMillis(3)).describe()).isEqualTo("status 204 in 3 ms");
        assertThat(ProbeResult.fail(ProbeFailure.RESET, Duration.ZERO, "closed before the response").describe())
                .isEqualTo("connection reset: closed before the response");
    }

    @Test
    void aFailureNeedsAKindAndAPassMustNotHaveOne() {
        assertThatThrownBy(() -> new ProbeResult(false, null, 0, Duration.ZERO, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ProbeResult(true, ProbeFailure.OTHER, 200, Duration.ZERO, null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
