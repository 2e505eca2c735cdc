package dev.tether.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.routing.model.ServerState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AdminStateTest {

    @ParameterizedTest(name = "{0} + healthy {1} -> {2}")
    @CsvSource({
        "READY, true,  UP",
        "READY, false, DOWN",
        "DRAIN, true,  DRAIN",
        "DRAIN, false, DOWN",   // and back to DRAIN, not UP, when healthy again
        "MAINT, true,  MAINT",
        "MAINT, false, MAINT",
    })
    void combinesWithHealth(AdminState admin, boolean healthy, ServerState effective) {
        assertThat(admin.effective(healthy)).isEqualTo(effective);
    }

    @ParameterizedTest
    @CsvSource({"UP, READY", "DOWN, READY", "DRAIN, DRAIN", "MAINT, MAINT"})
    void takesTheAdministrativeHalfOfAConfiguredState(ServerState configured, AdminState admin) {
        assertThat(AdminState.of(configured)).isEqualTo(admin);
    }
}
