package dev.tether.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RiseFallTest {

    /**
     * Checks: P = pass, F = fail. Transitions: U = UNCHANGED, P = CHANGE_PENDING, C = CHANGED.
     * Final: the counter and whether the server is up after the last check.
     */
    @ParameterizedTest(name = "rise {0} fall {1} from {2}: {3} -> {4}")
    @CsvSource({
        // rise, fall, start, checks,  transitions, health, up
        "2, 3, up,   P,        U,          4, true",
        "2, 3, up,   F,        P,          3, true",
        "2, 3, up,   FF,       PP,         2, true",
        "2, 3, up,   FFF,      PPC,        0, false",   // down after fall consecutive failures
        "2, 3, up,   FFFF,     PPCU,       0, false",
        "2, 3, up,   FFP,      PPU,        4, true",    // one pass restores a server part-way down
        "2, 3, up,   FPFF,     PUPP,       2, true",    // failures must be consecutive
        "2, 3, down, P,        P,          1, false",
        "2, 3, down, PP,       PC,         4, true",    // up after rise consecutive passes
        "2, 3, down, PFP,      PUP,        1, false",   // one failure sends a rising server back to 0
        "2, 3, down, F,        U,          0, false",
        "1, 1, up,   F,        C,          0, false",
        "1, 1, down, P,        C,          1, true",
        "1, 1, up,   FPFP,     CCCC,       1, true",    // flaps every check with no hysteresis
        "3, 1, up,   F,        C,          0, false",
        "3, 1, down, PPP,      PPC,        3, true",
        "1, 3, up,   FFF,      PPC,        0, false",
        "1, 3, down, P,        C,          3, true",
        "5, 5, up,   FFFFPFFFFF, PPPPUPPPPC, 0, false",
    })
    void countsChecksLikeHaproxy(int rise, int fall, String start, String checks, String transitions, int health,
            boolean up) {
        RiseFall rf = start.equals("up") ? RiseFall.up(rise, fall) : RiseFall.down(rise, fall);
        StringBuilder seen = new StringBuilder();
        for (char c : checks.toCharArray()) {
            HealthTransition t = rf.record(c == 'P');
            seen.append(t == HealthTransition.UNCHANGED ? 'U' : t == HealthTransition.CHANGED ? 'C' : 'P');
        }
        assertThat(seen.toString()).isEqualTo(transitions);
        assertThat(rf.health()).isEqualTo(health);
        assertThat(rf.isUp()).isEqualTo(up);
    }

    @ParameterizedTest
    @CsvSource({"FFF, -3", "PP, 2", "FFP, 1", "PPF, -1", "'', 0"})
    void streakCountsTheLastRunOfEqualResults(String checks, int streak) {
        RiseFall rf = RiseFall.up(2, 3);
        for (char c : checks.toCharArray()) {
            rf.record(c == 'P');
        }
        assertThat(rf.streak()).isEqualTo(streak);
    }

    @Test
    void recordsProbeResults() {
        RiseFall rf = RiseFall.up(2, 1);
        assertThat(rf.record(ProbeResult.pass(200, java.time.Duration.ZERO))).isEqualTo(HealthTransition.UNCHANGED);
        assertThat(rf.record(ScriptedProber.REFUSED)).isEqualTo(HealthTransition.CHANGED);
        assertThat(rf.isUp()).isFalse();
    }

    @Test
    void markDownTakesAFullyUpServerDownAtOnce() {
        RiseFall rf = RiseFall.up(2, 3);
        assertThat(rf.markDown()).isEqualTo(HealthTransition.CHANGED);
        assertThat(rf.isUp()).isFalse();
        assertThat(rf.markDown()).isEqualTo(HealthTransition.UNCHANGED);
        assertThat(rf.record(true)).isEqualTo(HealthTransition.CHANGE_PENDING);
        assertThat(rf.record(true)).isEqualTo(HealthTransition.CHANGED);
    }

    @Test
    void rejectsCountsBelowOne() {
        assertThatThrownBy(() -> RiseFall.up(0, 3)).hasMessageContaining("rise = 0");
        assertThatThrownBy(() -> RiseFall.down(2, 0)).hasMessageContaining("fall = 0");
    }
}
