package dev.tether.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The three proxies' configurations, generated from one {@link ProxySetup}, say the same thing. Key lines are
 * checked everywhere; when haproxy or nginx happen to be installed their own checkers validate the files too.
 */
class ContestantConfTest {

    @TempDir
    Path dir;

    private ProxySetup setup(Profile profile) {
        return new ProxySetup(profile, 18080, List.of(19001, 19002), 2, dir);
    }

    /** Built by the reactor before bench's tests run; absent when bench is built alone against ~/.m2. */
    private static final Path TETHER_JAR = Path.of("..", "proxy-core", "target", "proxy-core-0.1.0-SNAPSHOT-all.jar");

    @ParameterizedTest
    @EnumSource(value = Profile.class, names = {"PLAIN", "STICKY"})
    void tetherHoconParsesToTheSameBackendAsHaproxys(Profile profile) throws Exception {
        Config c = ConfigFactory.parseString(TetherConf.render(setup(profile))).resolve();

        assertThat(c.getInt("tether.event-loop-threads")).isEqualTo(2);
        Config listener = c.getConfigList("tether.listeners").get(0);
        assertThat(listener.getString("address")).isEqualTo("127.0.0.1");
        assertThat(listener.getInt("port")).isEqualTo(18080);
        assertThat(c.getString("tether.default-backend")).isEqualTo("app");
        assertThat(c.getBoolean("tether.admin.enabled")).isFalse();
        Config app = c.getConfig("tether.backends.app");
        assertThat(app.getString("balance")).isEqualTo("round-robin");
        assertThat(app.getInt("retries")).isEqualTo(3);
        assertThat(app.getBoolean("redispatch")).isTrue();
        assertThat(app.getConfigList("servers")).extracting(s -> s.getString("name") + "@" + s.getString("address"))
                .containsExactly("s1@127.0.0.1:19001", "s2@127.0.0.1:19002");
        assertThat(app.getBoolean("health-check.enabled")).isTrue();
        assertThat(app.getString("health-check.method")).isEqualTo("HEAD");
        assertThat(app.getString("health-check.path")).isEqualTo("/status");
        assertThat(app.getDuration("health-check.interval", TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(app.hasPath("cookie.name")).isEqualTo(profile == Profile.STICKY);
        if (profile == Profile.STICKY) {
            assertThat(app.getString("cookie.name")).isEqualTo("SRV");
            assertThat(app.getBoolean("cookie.indirect")).isTrue();
            assertThat(app.getBoolean("cookie.nocache")).isTrue();
            assertThat(app.getBoolean("cookie.httponly")).isFalse();
        }
        if (Files.isRegularFile(TETHER_JAR)) {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            checkWith(TetherConf.render(setup(profile)), "tether.conf", java.toString(), "-jar",
                    TETHER_JAR.toString(), "--check");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Profile.class, names = {"PLAIN", "STICKY"})
    void haproxyHasCheckRetriesRedispatchReuseAndCookieWhenSticky(Profile profile) throws Exception {
        String cfg = HaproxyConf.render(setup(profile));
        List<String> lines = cfg.lines().map(String::strip).toList();

        assertThat(lines).contains("nbthread 2", "mode http", "timeout tunnel 60s", "retries 3", "option redispatch", "http-reuse safe",
                "bind 127.0.0.1:18080", "balance roundrobin", "option httpchk HEAD /status");
        if (profile == Profile.STICKY) {
            assertThat(lines).contains("cookie SRV insert indirect nocache",
                    "server s1 127.0.0.1:19001 check inter 2s cookie s1",
                    "server s2 127.0.0.1:19002 check inter 2s cookie s2");
        } else {
            assertThat(cfg).doesNotContain("cookie");
            assertThat(lines).contains("server s1 127.0.0.1:19001 check inter 2s",
                    "server s2 127.0.0.1:19002 check inter 2s");
        }
        checkWith(cfg, "haproxy.cfg", "/usr/sbin/haproxy", "-c", "-f");
    }

    @ParameterizedTest
    @EnumSource(value = Profile.class, names = {"PLAIN", "STICKY"})
    void nginxHasUpstreamKeepAliveStreamingAndCookieHashWhenSticky(Profile profile) throws Exception {
        String conf = NginxConf.render(setup(profile));
        List<String> lines = conf.lines().map(String::strip).toList();

        assertThat(lines).contains("worker_processes 2;", "daemon off;", "listen 127.0.0.1:18080;",
                "server 127.0.0.1:19001 max_fails=3 fail_timeout=2s;",
                "server 127.0.0.1:19002 max_fails=3 fail_timeout=2s;", "keepalive 128;", "proxy_http_version 1.1;",
                "proxy_set_header Connection \"\";", "proxy_request_buffering off;", "proxy_next_upstream_tries 3;",
                "access_log off;");
        assertThat(lines.contains("hash $cookie_SRV consistent;")).isEqualTo(profile == Profile.STICKY);
        checkWith(conf, "nginx.conf", "/usr/sbin/nginx", "-e", "stderr", "-t", "-c");
    }

    @Test
    void backendsServeEveryPathFromOneNginxAndStampTheirId() throws Exception {
        String conf = BackendConf.render(List.of(19001, 19002), dir.resolve("www"), dir);
        List<String> lines = conf.lines().map(String::strip).toList();

        assertThat(lines).contains("listen 127.0.0.1:19001;", "listen 127.0.0.1:19002;",
                "add_header X-Backend-Id s1 always;", "add_header X-Backend-Id s2 always;",
                "location = /status { return 200; }", "client_max_body_size 2m;", "keepalive_requests 1000000;",
                "mirror_request_body on;", "error_page 405 =200 /upload-ok;");
        assertThat(BackendConf.SMALL_BODY).hasSize(100);
        assertThat(conf).contains("return 200 \"" + "x".repeat(99) + "\\n\"");
        checkWith(conf, "backends.conf", "/usr/sbin/nginx", "-e", "stderr", "-t", "-c");
    }

    @Test
    void mainWritesBackendBodiesAndEachProxyConfig() throws Exception {
        Path conf = Main.backends(dir, List.of(19001, 19002));

        assertThat(conf).exists();
        assertThat(Files.size(dir.resolve("www/16k"))).isEqualTo(16 * 1024);
        assertThat(Files.size(dir.resolve("www/1m"))).isEqualTo(1024 * 1024);
        for (String c : List.of("tether", "haproxy", "nginx")) {
            Path file = Main.proxyConf(Main.options(new String[] {"--contestant", c, "--profile", "sticky",
                "--dir", dir.toString(), "--port", "18080", "--backends", "19001,19002", "--threads", "1"}));
            assertThat(file.getFileName().toString()).startsWith(c + "-sticky.");
            assertThat(Files.readString(file)).contains("18080", "19002");
        }
    }

    @Test
    void uuidMapRulesAreTheSameThousandForEveryContestant() throws Exception {
        List<UuidRules.Rule> rules = UuidRules.generate(UuidRules.COUNT);
        assertThat(rules).hasSize(1000).extracting(UuidRules.Rule::prefix).doesNotHaveDuplicates()
                .allMatch(p -> p.matches("[0-9a-f]{8}-[0-9a-f]{4}"));
        assertThat(rules).allMatch(r -> r.serverIndex() != UuidRules.rangeServer(r.uuid().charAt(0)));
        assertThat(UuidRules.generate(UuidRules.COUNT)).isEqualTo(rules);
        UuidRules.Rule first = rules.get(0);
        String firstServer = ProxySetup.serverName(first.serverIndex());

        ProxySetup setup = setup(Profile.UUID_MAP);
        String haproxy = HaproxyConf.render(setup);
        assertThat(haproxy.lines().map(String::strip)).contains(
                "http-request set-var(txn.uuid) path,field(3,/),lower",
                "use-server s1 if { var(txn.shard) -m str s1 }", "use-server s2 if { var(txn.shard) -m str s2 }");
        assertThat(HaproxyConf.overridesMap(rules).lines()).hasSize(1000)
                .contains(first.prefix() + " " + firstServer);
        assertThat(HaproxyConf.rangesMap().lines()).hasSize(16).contains("0 s1", "7 s1", "8 s2", "f s2");
        HaproxyConf.writeMaps(dir, rules);
        checkWith(haproxy, "haproxy-uuid.cfg", "/usr/sbin/haproxy", "-c", "-f");

        String nginx = NginxConf.render(setup);
        assertThat(nginx.lines().map(String::strip)).contains("proxy_pass http://$shard;", "upstream s1 {",
                "upstream s2 {", first.prefix() + " " + firstServer + ";");
        checkWith(nginx, "nginx-uuid.conf", "/usr/sbin/nginx", "-e", "stderr", "-t", "-c");

        Config tether = ConfigFactory.parseString(TetherConf.render(setup)).resolve();
        Config route = tether.getConfigList("tether.routes").get(0);
        assertThat(route.getString("backend")).isEqualTo("app");
        assertThat(route.getConfig("uuid-map.ranges").root().unwrapped()).containsEntry("0-7", "s1")
                .containsEntry("8-f", "s2");
        assertThat(route.getObject("uuid-map.overrides").unwrapped()).hasSize(1000)
                .containsEntry(first.prefix(), firstServer);

        if (Files.isRegularFile(TETHER_JAR)) {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            checkWith(TetherConf.render(setup), "tether-uuid.conf", java.toString(), "-jar", TETHER_JAR.toString(),
                    "--check");
        }

        String lua = WrkScript.render(Scenarios.byName("uuid-map-1000"), List.of());
        assertThat(lua).contains("\"" + first.path() + "\"", "wrk.format(nil, p)");
    }

    /** Runs the contestant's own configuration check when it is installed; the test does not need it. */
    private void checkWith(String text, String fileName, String binary, String... args) throws Exception {
        if (!Files.isExecutable(Path.of(binary))) {
            return;
        }
        Path file = dir.resolve(fileName);
        Files.writeString(file, text);
        List<String> command = new java.util.ArrayList<>(List.of(binary));
        command.addAll(List.of(args));
        command.add(file.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(binary + " check of\n" + text + "\nsaid:\n" + output).isZero();
    }

    @Test
    void wrkScriptSetsMethodBodyConnectionAndCookies() throws IOException {
        String upload = WrkScript.render(Scenarios.byName("upload-1m"), List.of());
        assertThat(upload).contains("wrk.method = \"POST\"", "wrk.path = \"/upload\"",
                "wrk.body = string.rep(\"x\", 1048576)", "latency:percentile(99.9)", "BENCH requests=%d");

        String close = WrkScript.render(Scenarios.byName("close-small"), List.of());
        assertThat(close).contains("wrk.headers[\"Connection\"] = \"close\"").doesNotContain("wrk.body");

        String sticky = WrkScript.render(Scenarios.byName("sticky-cookie"), List.of("SRV=s1", "SRV=\"s2\""));
        assertThat(sticky).contains("local cookies = {\"SRV=s1\", \"SRV=\\\"s2\\\"\"}", "request = function()");

        String plain = WrkScript.render(Scenarios.byName("keepalive-small"), List.of("SRV=s1"));
        assertThat(plain).doesNotContain("Cookie").doesNotContain("request = function()");
    }
}
