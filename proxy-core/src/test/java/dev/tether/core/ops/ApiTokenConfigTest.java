package dev.tether.core.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.config.ConfigLoader;
import dev.tether.core.config.InvalidConfigException;
import org.junit.jupiter.api.Test;

/** {@code tether.admin.api-token}: bound when valid; a bad one is reported without echoing the secret. */
class ApiTokenConfigTest {

    private static String conf(String token) {
        return """
                tether {
                  listeners = [ { name = http, address = "127.0.0.1", port = 0 } ]
                  admin { port = 0, api-token = %s }
                  backends { app { servers = [ { name = s1, address = "127.0.0.1:8001" } ] } }
                }
                """.formatted(token);
    }

    @Test
    void boundWhenSet() {
        assertThat(ConfigLoader.parse(conf("\"0123456789abcdefXYZ\""), "t.conf").admin().apiToken())
                .isEqualTo("0123456789abcdefXYZ");
        assertThat(ConfigLoader.parse(conf("null"), "t.conf").admin().apiToken()).isNull();
    }

    @Test
    void shortTokenIsRefusedWithoutShowingIt() {
        assertThatThrownBy(() -> ConfigLoader.parse(conf("\"hunter2\""), "t.conf"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("t.conf:3")
                .hasMessageContaining("api-token")
                .hasMessageNotContaining("hunter2");
    }
}
