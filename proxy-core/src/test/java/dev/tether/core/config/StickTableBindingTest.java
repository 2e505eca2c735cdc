package dev.tether.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tether.routing.config.StickTableConfig;
import dev.tether.routing.config.UnavailablePolicy;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** {@code stick-table} of a backend, bound from HOCON over {@code backend-defaults.stick-table}. */
class StickTableBindingTest {

    private static ProxyConfig parse(String backends) {
        return ConfigLoader.parse("tether {\n" + backends + "\n}\n", "t.conf");
    }

    @Test
    void noStickTableByDefault() {
        ProxyConfig c = parse("backends { app { servers = [ { name = n1, address = \"h:1\" } ] } }");
        assertThat(c.routing().backend("app").stickTable()).isNull();
    }

    @Test
    void aBackendTableFallsBackToTheDefaultsKeyByKey() {
        ProxyConfig c = parse("""
                backend-defaults { stick-table { expire = 1h } }
                backends {
                  api { servers = [ { name = n1, address = "h:1" } ], stick-table { on = source } }
                  web {
                    servers = [ { name = w1, address = "h:2" } ]
                    cookie { name = srv }
                    stick-table { on = "header:X-Session", size = 500, on-unavailable = refuse }
                  }
                  jvm { servers = [ { name = j1, address = "h:3" } ], stick-table.on = "cookie:JSESSIONID" }
                }
                default-backend = api
                """);
        assertThat(c.routing().backend("api").stickTable())
                .isEqualTo(new StickTableConfig("source", 100_000, Duration.ofHours(1), UnavailablePolicy.FALLBACK));
        assertThat(c.routing().backend("web").stickTable())
                .isEqualTo(new StickTableConfig("header:X-Session", 500, Duration.ofHours(1), UnavailablePolicy.REFUSE));
        assertThat(c.routing().backend("jvm").stickTable())
                .isEqualTo(new StickTableConfig("cookie:JSESSIONID", 100_000, Duration.ofHours(1),
                        UnavailablePolicy.FALLBACK));
    }

    static Stream<Arguments> problems() {
        String servers = "servers = [ { name = n1, address = \"h:1\" } ]";
        return Stream.of(
                Arguments.of("stick-table { on = src }",
                        "t.conf:2: tether.backends.app.stick-table.on = \"src\" (write source (HAProxy's src);"
                                + " expected source, \"header:NAME\" or \"cookie:NAME\" such as \"header:X-Session\","
                                + " or null for no stick table)"),
                Arguments.of("stick-table { on = \"header:\" }",
                        "t.conf:2: tether.backends.app.stick-table.on = \"header:\" (header needs a name, such as"
                                + " header:X-Session)"),
                Arguments.of("stick-table { on = \"source:x\" }",
                        "t.conf:2: tether.backends.app.stick-table.on = \"source:x\" (source takes no name; write"
                                + " source alone)"),
                Arguments.of("cookie { name = srv }, stick-table { on = \"cookie:srv\" }",
                        "t.conf:2: tether.backends.app.stick-table.on = \"cookie:srv\" (is the backend's own sticky"
                                + " cookie, which already keeps sessions on their server; key the table on another"
                                + " cookie, a header or source)"),
                Arguments.of("stick-table { on = source, size = 0 }",
                        "t.conf:2: tether.backends.app.stick-table.size = 0 (expected an integer 1..100000000)"),
                Arguments.of("stick-table { on = source, expire = 0s }",
                        "t.conf:2: tether.backends.app.stick-table.expire = \"0s\" (expected a duration such as"
                                + " 500ms, 15s, 10m or 23h, above 0)"),
                Arguments.of("stick-table { on = source, on-unavailable = retry }",
                        "t.conf:2: tether.backends.app.stick-table.on-unavailable = \"retry\" (expected fallback"
                                + " (balance and remember the new server) or refuse (answer 503))"),
                Arguments.of("stick-table { on = source, sise = 10 }", null))
                .map(a -> Arguments.of("backends { app { " + servers + ", " + a.get()[0] + " } }", a.get()[1]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("problems")
    void problemsNameTheKeyAndSayWhatToWrite(String backends, String expected) {
        InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class, () -> parse(backends));
        assertThat(e).isNotNull();
        if (expected != null) {
            assertThat(e.problems()).extracting(ConfigProblem::message).containsExactly(expected);
        } else {
            assertThat(e.problems()).extracting(ConfigProblem::message).singleElement().asString()
                    .contains("stick-table.sise").contains("size");
        }
    }
}
