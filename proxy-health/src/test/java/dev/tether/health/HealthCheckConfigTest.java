package dev.tether.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.health.HealthCheckConfig.StatusRange;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HealthCheckConfigTest {

    private static final List<StatusRange> OK = List.of(new StatusRange(200, 200));
    private static final Duration S = Duration.ofSeconds(1);

    @Test
    void defaultsAreHaproxys() {
        HealthCheckConfig d = HealthCheckConfig.defaults();
        assertThat(d.enabled()).isTrue();
        assertThat(d.method() + " " + d.path()).isEqualTo("HEAD /status");
        assertThat(d.interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(d.rise()).isEqualTo(2);
        assertThat(d.fall()).isEqualTo(3);
        assertThat(HealthCheckConfig.disabled().enabled()).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"200, true", "204, false", "302, true", "399, true", "400, false", "500, false"})
    void expectsStatusesInAnyRange(int status, boolean expected) {
        HealthCheckConfig c = new HealthCheckConfig(true, "GET", "/health", null,
                List.of(new StatusRange(200, 200), new StatusRange(300, 399)), S, S, S, S, 2, 3);
        assertThat(c.expects(status)).isEqualTo(expected);
    }

    @Test
    void rejectsWhatWouldBreakTheChecker() {
        assertThatThrownBy(() -> new HealthCheckConfig(true, "HEAD", "/status", null, OK, Duration.ZERO, S, S, S, 2, 3))
                .hasMessage("health check interval = PT0S (expected a positive duration)");
        assertThatThrownBy(() -> new HealthCheckConfig(true, "HEAD", "/status", null, OK, S, S, S,
                Duration.ofMillis(-1), 2, 3)).hasMessageContaining("timeout = PT-0.001S");
        assertThatThrownBy(() -> new HealthCheckConfig(true, "HEAD", "status", null, OK, S, S, S, S, 2, 3))
                .hasMessageContaining("a path starting with /");
        assertThatThrownBy(() -> new HealthCheckConfig(true, "HEAD", "/status", null, List.of(), S, S, S, S, 2, 3))
                .hasMessageContaining("at least one status range");
        assertThatThrownBy(() -> new HealthCheckConfig(true, "HEAD", "/status", null, OK, S, S, S, S, 0, 3))
                .hasMessageContaining("rise = 0");
        assertThatThrownBy(() -> new StatusRange(300, 200)).hasMessageContaining("300-200");
    }
}
