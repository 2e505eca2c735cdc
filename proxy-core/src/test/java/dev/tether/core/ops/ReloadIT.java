package dev.tether.core.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tether.core.Tether;
import dev.tether.core.config.ConfigLoader;
import dev.tether.core.metrics.PrometheusText;
import dev.tether.core.testing.LeakCheck;
import dev.tether.core.testing.TestBackend;
import dev.tether.core.testing.WebSocketBackend;
import dev.tether.core.tls.TestCertificates;
import dev.tether.health.HealthChecker;
import dev.tether.routing.model.ServerState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Reloads of a real Tether from a real file while traffic and a WebSocket tunnel run through it. */
@ExtendWith(LeakCheck.class)
class ReloadIT {

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private TestBackend a;
    private TestBackend b;
    private TestBackend c;
    private WebSocketBackend ws;
    private Tether tether;
    private Path file;

    @BeforeEach
    void setUp() throws Exception {
        a = new TestBackend("a");
        b = new TestBackend("b");
        c = new TestBackend("c");
        ws = new WebSocketBackend();
        file = dir.resolve("tether.conf");
    }

    @AfterEach
    void tearDown() {
        if (tether != null) {
            tether.stop();
        }
        a.close();
        b.close();
        c.close();
        ws.close();
    }

    /** A configuration with backend {@code app} on {@code servers} and backend {@code ws} behind {@code /ws}. */
    private String conf(String appExtra, String extraListener, TestBackend... servers) {
        StringBuilder list = new StringBuilder();
        for (TestBackend s : servers) {
            list.append("        { name = ").append(s.name()).append(", address = \"127.0.0.1:").append(s.port())
                    .append("\" }\n");
        }
        return """
                tether {
                  listeners = [
                    { name = http, address = "127.0.0.1", port = 0 }
                    %s
                  ]
                  drain-timeout = 2s
                  admin { port = 0 }
                  routes = [ { name = websocket, path-prefix = "/ws", backend = ws } ]
                  default-backend = app
                  backends {
                    app {
                      servers = [
                %s      ]
                      cookie { name = SRV }
                      timeouts { queue = 0s }
                      %s
                    }
                    ws { servers = [ { name = w1, address = "127.0.0.1:%d" } ] }
                  }
                }
                """.formatted(extraListener, list, appExtra, ws.port());
    }

    private void start(String hocon) throws Exception {
        Files.writeString(file, hocon);
        tether = Tether.start(ConfigLoader.load(file)).configFile(file);
    }

    private ReloadResult reload(String hocon) throws IOException {
        Files.writeString(file, hocon);
        return tether.reload(file);
    }

    private HttpResponse<String> get(String path, String cookie) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tether.server().port() + path))
                .timeout(Duration.ofSeconds(20));
        if (cookie != null) {
            r.header("Cookie", cookie);
        }
        return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> admin(String method, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tether.adminAddress().getPort()
                + path)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String backendOf(HttpResponse<?> r) {
        return r.headers().firstValue("X-Backend-Id").orElse("none");
    }

    /** Echo messages and whether the tunnel closed. */
    static final class Echoes implements WebSocket.Listener {
        final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text.setLength(0);
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            closed.complete(-1);
        }

        String echo(WebSocket socket, String message) throws Exception {
            socket.sendText(message, true).get(10, TimeUnit.SECONDS);
            String back = messages.poll(10, TimeUnit.SECONDS);
            assertThat(back).as("echo of " + message).isEqualTo(message);
            return back;
        }
    }

    /** {@link #conf} plus rule {@code bases}: a uuid-map over app's servers a and b with {@code ranges}. */
    private String shards(String ranges) {
        return conf("", "", a, b).replace("routes = [ { name = websocket, path-prefix = \"/ws\", backend = ws } ]",
                "routes = [ { name = websocket, path-prefix = \"/ws\", backend = ws },\n"
                        + "    { name = bases, path-prefix = \"/dtable-server/\", backend = app,\n"
                        + "      uuid-map { ranges { " + ranges + " } } } ]");
    }

    private static String rows(String base) {
        return "/dtable-server/api/v1/dtables/" + base + "/rows/";
    }

    @Test
    void aMovedBaseStaysOnItsOldServerUntilReleasedAndNewBasesFollowTheMap() throws Exception {
        String used = "4f1b2c3d-1234-4a5b-8c9d-0123456789ab";
        String fresh = "5e1b2c3d-1234-4a5b-8c9d-0123456789ab";
        String later = "8e1b2c3d-1234-4a5b-8c9d-0123456789ab";
        start(shards("\"0-f\" = a"));
        assertThat(backendOf(get(rows(used), null))).isEqualTo("a");

        // The reload moves 0-7 (both bases) to b.
        assertThat(reload(shards("\"0-7\" = b, \"8-f\" = a")).state()).isEqualTo("applied");

        for (int i = 0; i < 3; i++) {
            assertThat(backendOf(get(rows(used), null))).as("a base used before the reload").isEqualTo("a");
        }
        assertThat(backendOf(get(rows(fresh), null))).as("a base never seen").isEqualTo("b");
        assertThat(backendOf(get(rows(later), null))).isEqualTo("a");
        HttpResponse<String> pins = admin("GET", "/api/pins");
        assertThat(pins.body()).contains("\"key\":\"" + used.replace("-", "") + "\",\"server\":\"a\","
                + "\"mapped\":\"b\"").doesNotContain(fresh.replace("-", ""));
        // The dry run sees the pin as real requests do.
        assertThat(admin("GET", "/api/route?path=" + rows(used)).body()).contains("\"server\":\"a\"")
                .contains("\"rule\":\"bases\"");
        // The old server in maintenance: refused, never opened on b.
        tether.setAdminState("app", "a", dev.tether.health.AdminState.MAINT);
        HttpResponse<String> refused = get(rows(used), null);
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(b.count(rows(used))).isZero();
        tether.setAdminState("app", "a", dev.tether.health.AdminState.READY);
        assertThat(backendOf(get(rows(used), null))).isEqualTo("a");

        // After the old server was restarted, the operator lets the base follow the map.
        assertThat(admin("POST", "/api/pins/release?rule=bases&key=" + used).statusCode()).isEqualTo(200);

        assertThat(backendOf(get(rows(used), null))).isEqualTo("b");
        assertThat(backendOf(get(rows(used), null))).isEqualTo("b");
        assertThat(admin("GET", "/api/pins").body()).contains("\"moved\":[]");
    }

    @Test
    void reloadUnderLoadLosesNoRequestAndClosesNoTunnel() throws Exception {
        start(conf("", "", a, b));
        Echoes echoes = new Echoes();
        WebSocket socket = client.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + tether.server().port() + "/ws"), echoes)
                .get(10, TimeUnit.SECONDS);
        echoes.echo(socket, "before");

        // Two clients loop until told to stop (at most 20 s, 5000 requests each).
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger ok = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> loops = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            Thread loop = new Thread(() -> {
                HttpClient own = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                for (int i = 0; i < 5000 && !stop.get() && System.nanoTime() < deadline; i++) {
                    try {
                        HttpResponse<String> r = own.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                + tether.server().port() + "/load?i=" + i)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) {
                            ok.incrementAndGet();
                        } else {
                            failures.add(r.statusCode() + " " + r.body());
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            }, "load-" + t);
            loop.start();
            loops.add(loop);
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() >= 50);
        assertThat(reload(conf("", "", a, b, c)).summary()).isEqualTo("servers +app/c");
        await().atMost(Duration.ofSeconds(10)).until(() -> c.count("/load") >= 10);
        echoes.echo(socket, "after adding c");
        assertThat(reload(conf("", "", a, c)).summary()).isEqualTo("servers -app/b");
        // Requests that read the old table before the swap may still reach b; each loop is sequential, so once
        // both have moved on, b sees nothing more.
        int before = ok.get();
        await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() >= before + 20);
        int fromB = b.count("/load");
        await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() >= before + 70);
        assertThat(b.count("/load")).isEqualTo(fromB);
        assertThat(reload(conf("", "", b).replace("servers = [", "servers = [ ]\nx = [")).state())
                .isEqualTo("refused");
        echoes.echo(socket, "after removing b");
        int before2 = ok.get();
        await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() >= before2 + 50);
        stop.set(true);
        for (Thread loop : loops) {
            loop.join(30_000);
        }

        assertThat(failures).isEmpty();
        assertThat(ok.get()).isGreaterThan(150);
        assertThat(echoes.closed).isNotDone();
        echoes.echo(socket, "at the end");
        assertThat(ws.upgrades.get()).isEqualTo(1);
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
        assertThat(echoes.closed.get(10, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
    }

    @Test
    void aTunnelOutlivesTheRemovalOfItsBackend() throws Exception {
        start(conf("", "", a));
        Echoes echoes = new Echoes();
        WebSocket socket = client.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + tether.server().port() + "/ws"), echoes)
                .get(10, TimeUnit.SECONDS);
        echoes.echo(socket, "before");
        String withoutWs = conf("", "", a)
                .replace("routes = [ { name = websocket, path-prefix = \"/ws\", backend = ws } ]", "")
                .replaceAll("(?m)^\\s*ws \\{ servers = .*$", "");

        assertThat(reload(withoutWs).summary()).isEqualTo("backends -ws; servers -ws/w1; routes changed");

        echoes.echo(socket, "after the backend is gone");
        assertThat(echoes.closed).isNotDone();
        // New upgrades follow the new rules: /ws is now an ordinary request to app.
        assertThat(backendOf(get("/ws", null))).isEqualTo("a");
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
        assertThat(echoes.closed.get(10, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
    }

    @Test
    void invalidReloadChangesNothingAndReportsEveryProblem() throws Exception {
        String good = conf("", "", a, b);
        start(good);
        String bad = good.replace("{ name = b, address = \"127.0.0.1:" + b.port() + "\" }",
                "{ name = b, address = \"127.0.0.1:" + b.port() + "\", weight = -1 }")
                .replace("timeouts { queue = 0s }", "timeouts { queue = soon }");

        ReloadResult result = reload(bad);

        assertThat(result.state()).isEqualTo("refused");
        assertThat(result.errors()).hasSize(2);
        assertThat(result.errors()).anySatisfy(e -> assertThat(e).startsWith(file + ":").contains("weight")
                .contains("-1"));
        assertThat(result.errors()).anySatisfy(e -> assertThat(e).contains("queue").contains("soon"));
        // Still routing on the old configuration, to both servers.
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            seen.add(backendOf(get("/x", null)));
        }
        assertThat(seen).containsOnly("a", "b").contains("a", "b");
        assertThat(tether.server().tables().get().server("app", "b").config().weight()).isEqualTo(1);
        // Reported through the API too, and counted.
        HttpResponse<String> last = admin("GET", "/api/reload");
        assertThat(last.body()).contains("\"state\":\"refused\"").contains("queue");
        PrometheusText metrics = new PrometheusText(admin("GET", "/metrics").body());
        assertThat(metrics.value("tether_reloads_total", "result", "refused")).isEqualTo(1.0);
        assertThat(metrics.value("tether_reloads_total", "result", "applied")).isEqualTo(0.0);
    }

    @Test
    void removedServersStickyClientsAreRedispatchedWithANewCookie() throws Exception {
        start(conf("", "", a, b));
        HttpResponse<String> first = get("/x", null);
        String owner = backendOf(first);
        String cookie = first.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
        TestBackend remaining = owner.equals("a") ? b : a;

        assertThat(reload(conf("", "", remaining)).state()).isEqualTo("applied");

        HttpResponse<String> moved = get("/again", cookie);
        assertThat(moved.statusCode()).isEqualTo(200);
        assertThat(backendOf(moved)).isEqualTo(remaining.name());
        String newCookie = moved.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
        assertThat(newCookie).startsWith("SRV=").isNotEqualTo(cookie);
        assertThat(backendOf(get("/third", newCookie))).isEqualTo(remaining.name());
    }

    @Test
    void stateOfRemainingServersCarriesOverAndHealthDoesNotFlap() throws Exception {
        String checks = "health-check { enabled = on, interval = 100ms, fast-interval = 50ms, down-interval = 100ms,"
                + " rise = 1, fall = 1, timeout = 1s }";
        start(conf(checks, "", a, b, c));
        ListAppender<ILoggingEvent> health = new ListAppender<>();
        Logger healthLog = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(HealthChecker.class);
        health.start();
        healthLog.addAppender(health);
        try {
            tether.setAdminState("app", "b", dev.tether.health.AdminState.DRAIN);
            a.close();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> tether.server().tables().get().server("app", "a").state() == ServerState.DOWN);
            HealthChecker old = tether.healthCheckers().get(0);

            // A change elsewhere (a listener) keeps the checker: nothing to flap.
            ReloadResult listener = reload(conf(checks, "{ name = second, address = \"127.0.0.1\", port = 0 }",
                    a, b, c));
            assertThat(listener.summary()).isEqualTo("listeners +second");
            assertThat(tether.healthCheckers()).containsExactly(old);

            // A change in the backend (c goes) restarts its checker from the carried state: a DOWN, b DRAIN.
            health.list.clear();
            ReloadResult backend = reload(conf(checks, "{ name = second, address = \"127.0.0.1\", port = 0 }",
                    a, b));
            assertThat(backend.summary()).isEqualTo("servers -app/c");
            assertThat(tether.server().tables().get().server("app", "a").state()).isEqualTo(ServerState.DOWN);
            assertThat(tether.server().tables().get().server("app", "b").state()).isEqualTo(ServerState.DRAIN);
            HealthChecker fresh = tether.healthCheckers().get(0);
            assertThat(fresh).isNotSameAs(old);
            await().atMost(Duration.ofSeconds(10)).until(() -> fresh.lastResult("app/a") != null
                    && fresh.lastResult("app/b") != null);
            assertThat(tether.server().tables().get().server("app", "a").state()).isEqualTo(ServerState.DOWN);
            assertThat(tether.server().tables().get().server("app", "b").state()).isEqualTo(ServerState.DRAIN);
            assertThat(health.list).noneMatch(e -> e.getFormattedMessage().contains("app/a"));
        } finally {
            healthLog.detachAppender(health);
        }
    }

    @Test
    void turningChecksOffLiftsADown() throws Exception {
        String checks = "health-check { enabled = on, interval = 100ms, fast-interval = 50ms, down-interval = 100ms,"
                + " rise = 1, fall = 1, timeout = 1s }";
        start(conf(checks, "", a, b));
        a.close();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> tether.server().tables().get().server("app", "a").state() == ServerState.DOWN);

        assertThat(reload(conf("", "", a, b)).summary()).isEqualTo("backends ~app");

        assertThat(tether.healthCheckers()).isEmpty();
        assertThat(tether.server().tables().get().server("app", "a").state()).isEqualTo(ServerState.UP);
        assertThat(tether.health("app", "a")).isEqualTo("UNCHECKED");
    }

    @Test
    void aTlsListenerWithAnotherCertificateIsRebound() throws Exception {
        TestCertificates.Generated first = TestCertificates.rsa();
        TestCertificates.Generated second = TestCertificates.otherRsa();
        Path one = dir.resolve("one.pem");
        Path two = dir.resolve("two.pem");
        Files.writeString(one, first.bundlePem());
        Files.writeString(two, second.bundlePem());
        String https = "{ name = https, address = \"127.0.0.1\", port = 0, tls { bundle = \"%s\" } }";
        start(conf("", https.formatted(one), a));
        assertThat(peerCertificate(tether.server().address("https").getPort(), first, second))
                .isEqualTo(first.certificate());

        assertThat(reload(conf("", https.formatted(two), a)).summary()).isEqualTo("listeners ~https");

        assertThat(peerCertificate(tether.server().address("https").getPort(), first, second))
                .isEqualTo(second.certificate());
        assertThat(get("/plain", null).statusCode()).isEqualTo(200);
    }

    private static java.security.cert.Certificate peerCertificate(int port, TestCertificates.Generated... trusted)
            throws Exception {
        SSLContext context = TestCertificates.clientTrusting(
                java.util.Arrays.stream(trusted).map(TestCertificates.Generated::certificate)
                        .toArray(java.security.cert.X509Certificate[]::new));
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            socket.startHandshake();
            return socket.getSession().getPeerCertificates()[0];
        }
    }

    @Test
    void aQueuedRequestIsServedByAServerTheReloadAdded() throws Exception {
        start(conf("timeouts { queue = 20s }", "", a));
        tether.setAdminState("app", "a", dev.tether.health.AdminState.MAINT);
        CompletableFuture<HttpResponse<String>> waiting = client.sendAsync(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + tether.server().port() + "/queued")).build(),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(10)).until(() -> tether.metrics().stats().get(0).queueLength() == 1);

        assertThat(reload(conf("timeouts { queue = 20s }", "", a, b)).summary()).isEqualTo("servers +app/b");

        HttpResponse<String> served = waiting.get(5, TimeUnit.SECONDS);
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(backendOf(served)).isEqualTo("b");
    }

    @Test
    void pooledServerConnectionsSurviveAReload() throws Exception {
        start(conf("", "", a));
        for (int i = 0; i < 5; i++) {
            assertThat(get("/warm", null).statusCode()).isEqualTo(200);
        }
        int connections = a.connections();

        assertThat(reload(conf("", "", a, c)).state()).isEqualTo("applied");

        for (int i = 0; i < 10; i++) {
            assertThat(get("/after", null).statusCode()).isEqualTo(200);
        }
        assertThat(a.count("/after")).isEqualTo(5);
        assertThat(a.connections()).as("a's pooled connection is reused").isEqualTo(connections);
    }

    @Test
    void listenersAreBoundAndClosed() throws Exception {
        start(conf("", "", a));
        String second = "{ name = second, address = \"127.0.0.1\", port = 0 }";

        assertThat(reload(conf("", second, a)).summary()).isEqualTo("listeners +second");
        int port = tether.server().address("second").getPort();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/s"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);

        assertThat(reload(conf("", "", a)).summary()).isEqualTo("listeners -second");
        HttpClient fresh = HttpClient.newHttpClient();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> fresh.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/s")).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
        assertThat(get("/still", null).statusCode()).isEqualTo(200);
    }

    @Test
    void apiAndCommandLineReloadAndReportTheDiff() throws Exception {
        start(conf("", "", a));
        Files.writeString(file, conf("", "", a, b));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        OpsCommand cli = new OpsCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), null);

        int code = cli.run(new String[] {"reload", "--admin", "127.0.0.1:" + tether.adminAddress().getPort()});

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"state\":\"applied\"")
                .contains("\"summary\":\"servers +app/b\"");
        assertThat(tether.server().tables().get().server("app", "b")).isNotNull();
        // The new server's API paths exist too.
        assertThat(admin("POST", "/api/servers/app/b/state?state=drain").statusCode()).isEqualTo(200);

        HttpResponse<String> again = admin("POST", "/api/reload");
        assertThat(again.statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> tether.lastReload().state().equals("unchanged"));
    }

    @Test
    void sighupReloads() throws Exception {
        start(conf("", "", a));
        tether.reloadOnSighup();
        Files.writeString(file, conf("", "", a, c));

        sun.misc.Signal.raise(new sun.misc.Signal("HUP"));

        await().atMost(Duration.ofSeconds(10)).until(() -> tether.lastReload().state().equals("applied"));
        assertThat(tether.lastReload().summary()).isEqualTo("servers +app/c");
    }

    @Test
    void watchedFileReloadsWhenItChanges() throws Exception {
        start(conf("", "", a).replace("drain-timeout = 2s", "drain-timeout = 2s\n  reload-watch = on\n"
                + "  reload-watch-interval = 50ms"));

        Files.writeString(file, conf("", "", a, c).replace("drain-timeout = 2s", "drain-timeout = 2s\n"
                + "  reload-watch = on\n  reload-watch-interval = 50ms"));

        await().atMost(Duration.ofSeconds(10)).until(() -> tether.lastReload().state().equals("applied"));
        assertThat(tether.lastReload().summary()).isEqualTo("servers +app/c");
        assertThat(tether.server().tables().get().server("app", "c")).isNotNull();
    }
}
