package dev.tether.core.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.config.ConfigLoader;
import dev.tether.core.config.InvalidConfigException;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code tether.shard-pins}: defaults, overrides and precise errors. */
class ShardPinsConfigTest {

    private static String conf(String pins) {
        return """
                tether {
                  listeners = [ { name = http, address = "127.0.0.1", port = 0 } ]
                  admin { enabled = off }
                  %s
                  backends { app { servers = [ { name = s1, address = "127.0.0.1:8001" } ] } }
                }
                """.formatted(pins);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
                                                         | PT24H | 1000000
            shard-pins { pin-idle = 2h }                 | PT2H  | 1000000
            shard-pins { pin-idle = 90m, max-keys = 50 } | PT1H30M | 50
            """)
    void bound(String pins, Duration idle, long maxKeys) {
        ShardPinsConfig bound = ConfigLoader.parse(conf(pins == null ? "" : pins), "t.conf").shardPins();

        assertThat(bound).isEqualTo(new ShardPinsConfig(idle, maxKeys));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            shard-pins { pin-idle = 0s }        | t.conf:4: tether.shard-pins.pin-idle
            shard-pins { max-keys = 0 }         | t.conf:4: tether.shard-pins.max-keys
            shard-pins { pin-idel = 1h }        | t.conf:4: tether.shard-pins.pin-idel
            """)
    void refused(String pins, String message) {
        assertThatThrownBy(() -> ConfigLoader.parse(conf(pins), "t.conf"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining(message);
    }
}
