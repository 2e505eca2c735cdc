package dev.tether.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.routing.config.UnavailablePolicy;
import dev.tether.routing.config.UuidMapConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every file shipped in conf/ must load: an operator copies them, so they never rot. */
class ConfFilesTest {

    /** conf/ seen from proxy-core, where Maven runs the tests. */
    private static final Path CONF = Path.of("..", "conf");

    static List<Path> confFiles() throws IOException {
        try (Stream<Path> files = Files.list(CONF)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".conf")).sorted().toList();
        }
    }

    @Test
    void confHoldsTheDeploymentsThisProxyIsFor() throws IOException {
        assertThat(confFiles()).extracting(p -> p.getFileName().toString())
                .contains("demo.conf", "overleaf-ha.conf", "helpy-ha.conf", "openslides.conf");
    }

    /** What {@code tether --check FILE} runs. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("confFiles")
    void everyConfFilePassesCheck(Path file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = ConfigCheck.run(file, print(out), print(err));

        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .startsWith("OK: " + file + System.lineSeparator() + "listeners:")
                .contains("routes (first match wins):", "backends:");
    }

    @Test
    void checkListsEveryProblemAndExitsTwo(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.conf");
        Files.writeString(bad, """
                tether {
                  backends { app { balance = fast, servers = [ { name = a, address = "h" } ] } }
                }
                """);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = ConfigCheck.run(bad, print(out), print(err));

        assertThat(status).isEqualTo(ConfigCheck.EXIT_INVALID).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                bad + ": 2 problems",
                "  " + bad + ":2: tether.backends.app.balance = \"fast\" (expected one of round-robin,"
                        + " least-connections, power-of-two, first)",
                "  " + bad + ":2: tether.backends.app.servers[0].address = \"h\" (expected \"host:port\" such as"
                        + " \"127.0.0.1:8081\", \"app1.internal:80\" or \"[::1]:8081\")");
    }

    @Test
    void checkPrintsKeepAliveWarningsAndStillExitsZero(@TempDir Path dir) throws IOException {
        Path conf = dir.resolve("ka.conf");
        Files.writeString(conf, """
                tether {
                  backends {
                    app {
                      pool { idle-timeout = 30s, server-keep-alive = 20s }
                      servers = [ { name = a, address = "127.0.0.1:8081" } ]
                    }
                  }
                }
                """);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = ConfigCheck.run(conf, print(out), print(err));

        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("OK: " + conf + System.lineSeparator())
                .contains("pool idle 30s (servers keep alive 20s), max 64 per thread");
        assertThat(err.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "WARNING: backend app: pool.idle-timeout = 30s is not below pool.server-keep-alive = 20s: Tether may"
                        + " reuse a connection the server is closing; set pool.idle-timeout below 20s");
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    @Test
    void overleafTranslationKeepsTheGuidesValues() {
        ProxyConfig c = ConfigLoader.load(CONF.resolve("overleaf-ha.conf"));

        var backend = c.routing().backend("server-pro");
        assertThat(backend.servers()).extracting(s -> s.name())
                .containsExactly("server-pro-ha-1", "server-pro-ha-2", "server-pro-ha-3");
        assertThat(backend.cookie().name()).isEqualTo("server-pro-ha");
        assertThat(backend.cookie().maxIdle()).hasHours(24);
        assertThat(backend.retries()).isEqualTo(3);
        assertThat(backend.redispatch()).isTrue();
        assertThat(c.health("server-pro").enabled()).isTrue();
        assertThat(c.health("server-pro").method()).isEqualTo("HEAD");
        assertThat(c.health("server-pro").path()).isEqualTo("/status");
        assertThat(c.health("server-pro").expects(200)).isTrue();
        assertThat(c.health("server-pro").expects(302)).isFalse();
        BackendTimeouts t = c.timeouts("server-pro");
        assertThat(List.of(t.connect(), t.server(), t.queue(), t.tunnel()))
                .extracting(d -> ConfigSummary.duration(d))
                .containsExactly("15s", "10m", "1m", "23h");
        assertThat(t.serverKeepAlive()).as("the app servers' keep-alive, per the guide").hasSeconds(65);
        assertThat(t.poolIdle()).isLessThan(t.serverKeepAlive());
        assertThat(ConfigLoader.warnings(c)).isEmpty();
        ListenerConfig http = c.listeners().get(0);
        assertThat(ConfigSummary.duration(http.clientTimeout())).isEqualTo("1m");
        assertThat(http.maxBodyBytes()).isEqualTo(50L * 1024 * 1024);
        assertThat(c.routing().routes()).singleElement().satisfies(r -> {
            assertThat(r.match().pathPrefix()).isEqualTo("/git/");
            assertThat(r.useServer()).isEqualTo("server-pro-ha-1");
        });
    }

    @Test
    void seatableShardsIsOneUuidMapRouteOverTheDtableServers() {
        ProxyConfig c = ConfigLoader.load(CONF.resolve("seatable-shards.conf"));

        assertThat(c.routing().routes()).singleElement().satisfies(r -> {
            assertThat(r.backend()).isEqualTo("dtable-servers");
            assertThat(r.uuidMap()).isEqualTo(new UuidMapConfig(null,
                    Map.of("0-9", "dtable-server-1", "a-f", "dtable-server-2"),
                    Map.of("ff84e1a1-66e2", "dtable-server-1"), null, UnavailablePolicy.REFUSE));
        });
        assertThat(c.routing().backend("dtable-servers").servers()).extracting(s -> s.name())
                .containsExactly("dtable-server-1", "dtable-server-2");
        assertThat(c.routing().defaultBackend()).isEqualTo("dtable-web");
    }

    @Test
    void demoMatchesWhatTheEmbeddedDemoStarts() {
        ProxyConfig c = ConfigLoader.load(CONF.resolve("demo.conf"));

        assertThat(c.listeners()).extracting(ListenerConfig::port).containsExactly(8080);
        var demo = c.routing().backend("demo");
        assertThat(demo.servers()).extracting(s -> s.name() + "@" + s.host() + ":" + s.port())
                .containsExactly("demo1@127.0.0.1:9001", "demo2@127.0.0.1:9002", "demo3@127.0.0.1:9003");
        assertThat(demo.cookie().name()).isEqualTo("tether");
        assertThat(c.health("demo").enabled()).isTrue();
        assertThat(c.routing().defaultBackend()).isEqualTo("demo");
    }
}
