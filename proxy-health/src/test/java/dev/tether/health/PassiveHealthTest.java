package dev.tether.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.health.PassiveHealthConfig.OnError;
import dev.tether.routing.redispatch.FailureKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PassiveHealthTest {

    /** Outcomes: C = connect failure, 5 = 5xx, O = ok. Triggers: T where record returned true, else '.'. */
    @ParameterizedTest(name = "limit {0} count5xx {1}: {2}")
    @CsvSource({
        "3, false, CCC,     ..T",
        "3, false, CCCCCC,  ..T..T",
        "3, false, CCOCC,   .....",
        "3, false, 555,     ...",     // 5xx are not counted by default
        "3, true,  5C5,     ..T",
        "3, true,  55O5,    ....",
        "1, false, COC,     T.T",
        "3, false, CXCXC,   ....T",   // other failures neither count nor reset
    })
    void triggersOnConsecutiveErrors(int limit, boolean count5xx, String outcomes, String triggers) {
        PassiveHealth passive = new PassiveHealth(new PassiveHealthConfig(true, limit, count5xx, OnError.FAIL_CHECK));
        StringBuilder seen = new StringBuilder();
        for (char c : outcomes.toCharArray()) {
            TrafficOutcome o = c == 'C' ? TrafficOutcome.CONNECT_FAILURE
                    : c == '5' ? TrafficOutcome.STATUS_5XX
                    : c == 'X' ? TrafficOutcome.OTHER_FAILURE : TrafficOutcome.OK;
            seen.append(passive.record(o) ? 'T' : '.');
        }
        assertThat(seen.toString()).isEqualTo(triggers);
    }

    @ParameterizedTest
    @CsvSource({
        "CONNECT_REFUSED, CONNECT_FAILURE",
        "CONNECT_TIMEOUT, CONNECT_FAILURE",
        "RESET_BEFORE_REQUEST_SENT, CONNECT_FAILURE",
        "RESET_AFTER_REQUEST_SENT, OTHER_FAILURE",
        "EMPTY_RESPONSE, OTHER_FAILURE",
        "RESPONSE_TIMEOUT, OTHER_FAILURE",
        "BAD_GATEWAY_STATUS, STATUS_5XX",
    })
    void mapsRedispatchFailuresToOutcomes(FailureKind failure, TrafficOutcome outcome) {
        assertThat(TrafficOutcome.of(failure)).isEqualTo(outcome);
    }

    @ParameterizedTest
    @CsvSource({"200, OK", "404, OK", "499, OK", "500, STATUS_5XX", "503, STATUS_5XX", "599, STATUS_5XX"})
    void mapsStatusesToOutcomes(int status, TrafficOutcome outcome) {
        assertThat(TrafficOutcome.ofStatus(status)).isEqualTo(outcome);
    }

    @ParameterizedTest
    @CsvSource({"CONNECT_FAILURE", "STATUS_5XX", "OK", "OTHER_FAILURE"})
    void disabledNeverTriggers(TrafficOutcome outcome) {
        PassiveHealth passive = new PassiveHealth(PassiveHealthConfig.disabled());
        for (int i = 0; i < 50; i++) {
            assertThat(passive.record(outcome)).isFalse();
        }
    }
}
