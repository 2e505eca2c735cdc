package dev.tether.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SlowStartTest {

    private static final long UP = 1_000_000_000L; // an arbitrary ticker reading

    @ParameterizedTest(name = "weight {0}, {1} ms into a {2} ms ramp -> {3}")
    @CsvSource({
        "100, 0,     10000, 1",    // just up: a token share
        "100, 1,     10000, 1",
        "100, 2500,  10000, 25",
        "100, 5000,  10000, 50",
        "100, 9999,  10000, 100",  // rounds up
        "100, 10000, 10000, 100",
        "100, 60000, 10000, 100",
        "10,  3330,  10000, 4",    // ceil(3.33)
        "1,   10,    10000, 1",
        "256, 5000,  10000, 128",
        "0,   5000,  10000, 0",    // weight 0 stays 0
        "100, 5000,  0,     100",  // no ramp configured
        "100, -5,    10000, 1",    // a reading before the change, as with clocks read on two threads
    })
    void rampsLinearlyFromOneToTheConfiguredWeight(int weight, long elapsedMillis, long durationMillis, int expected) {
        long now = UP + Duration.ofMillis(elapsedMillis).toNanos();
        assertThat(SlowStart.weightAt(weight, UP, now, Duration.ofMillis(durationMillis))).isEqualTo(expected);
    }

    @Test
    void neverDecreasesAlongTheRamp() {
        Duration d = Duration.ofSeconds(30);
        int previous = 0;
        for (long ms = 0; ms <= 31_000; ms += 7) {
            int w = SlowStart.weightAt(37, UP, UP + ms * 1_000_000, d);
            assertThat(w).isBetween(previous, 37);
            previous = w;
        }
        assertThat(previous).isEqualTo(37);
    }

    @Test
    void rampingEndsAfterTheDuration() {
        Duration d = Duration.ofSeconds(10);
        assertThat(SlowStart.ramping(UP, UP + d.toNanos() - 1, d)).isTrue();
        assertThat(SlowStart.ramping(UP, UP + d.toNanos(), d)).isFalse();
        assertThat(SlowStart.ramping(UP, UP, Duration.ZERO)).isFalse();
    }
}
