package dev.tether.routing.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.routing.config.ServerConfig;
import org.junit.jupiter.api.Test;

class ServerTest {

    @Test
    void idIsComputedOnceAndAlwaysMatchesBackendAndName() {
        Server s = new Server("app", ServerConfig.of("node1", "127.0.0.1", 8081), ServerState.UP);
        assertThat(s.id()).isEqualTo("app/node1").isSameAs(s.id());
        assertThat(new Server("app", s.config(), ServerState.DOWN, "wrong").id()).isEqualTo("app/node1");
        assertThat(new Server("app", s.config(), ServerState.UP)).isEqualTo(s);
    }
}
