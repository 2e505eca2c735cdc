package dev.tether.core.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Tether;
import dev.tether.core.admin.AdminConfig;
import dev.tether.core.config.BackendTimeouts;
import dev.tether.core.admin.JsonReader;
import dev.tether.core.metrics.PrometheusText;
import dev.tether.core.testing.LeakCheck;
import dev.tether.core.testing.TestBackend;
import dev.tether.core.testing.TestProxy;
import dev.tether.routing.config.HashConfig;
import dev.tether.routing.config.RouteConfig;
import dev.tether.routing.config.RouteMatch;
import dev.tether.routing.config.StickyCookieConfig;
import dev.tether.routing.config.UnavailablePolicy;
import dev.tether.routing.config.UuidMapConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The runtime API on a real Tether over loopback: what it says and changes is what real requests see. */
@ExtendWith(LeakCheck.class)
class OpsApiIT {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private TestBackend a;
    private TestBackend b;
    private Tether tether;
    private int adminPort;

    @BeforeEach
    void setUp() throws Exception {
        a = new TestBackend("a");
        b = new TestBackend("b");
        TestProxy p = new TestProxy().backends(a, b);
        p.cookie = StickyCookieConfig.insert("SRV");
        BackendTimeouts d = BackendTimeouts.defaults();
        // No queueing: a request finding no server gets its 503 at once, as the dry run says.
        p.timeouts = new BackendTimeouts(d.connect(), d.server(), Duration.ZERO, d.tunnel(), d.poolIdle(),
                d.poolMaxIdle());
        p.routes.add(new RouteConfig("pinned", RouteMatch.pathPrefix("/pinned/"), "app", "b",
                UnavailablePolicy.FALLBACK));
        tether = Tether.start(p.config().withAdmin(AdminConfig.onPort(0)), p.events);
        adminPort = tether.adminAddress().getPort();
    }

    @AfterEach
    void tearDown() {
        tether.stop();
        a.close();
        b.close();
    }

    private HttpResponse<String> proxied(String path, String cookie) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tether.server().port() + path));
        if (cookie != null) {
            r.header("Cookie", cookie);
        }
        return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> admin(String method, String pathAndQuery) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + pathAndQuery))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> server(String name) throws Exception {
        HttpResponse<String> r = admin("GET", "/api/servers");
        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, Object> json = (Map<String, Object>) JsonReader.parse(r.body());
        Map<String, Object> backend = ((List<Map<String, Object>>) json.get("backends")).get(0);
        assertThat(backend.get("name")).isEqualTo("app");
        return ((List<Map<String, Object>>) backend.get("servers")).stream()
                .filter(s -> s.get("name").equals(name)).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> route(String query) throws Exception {
        HttpResponse<String> r = admin("GET", "/api/route?" + query);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return (Map<String, Object>) JsonReader.parse(r.body());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void serversListsStateHealthWeightAndInFlight() throws Exception {
        Map<String, Object> s = server("a");

        assertThat(s).containsEntry("state", "UP").containsEntry("admin", "READY")
                .containsEntry("health", "UNCHECKED").containsEntry("weight", 1.0).containsEntry("backup", false)
                .containsEntry("inFlight", 0.0).containsEntry("address", "127.0.0.1:" + a.port());
    }

    @Test
    void maintTakesAServerOutOfRoutingAndReadyBringsItBack() throws Exception {
        HttpResponse<String> set = admin("POST", "/api/servers/app/a/state?state=maint");

        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(server("a")).containsEntry("state", "MAINT").containsEntry("admin", "MAINT");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            seen.add(proxied("/x", null).headers().firstValue("X-Backend-Id").orElseThrow());
        }
        assertThat(seen).containsExactly("b");
        PrometheusText metrics = new PrometheusText(admin("GET", "/metrics").body());
        assertThat(metrics.value("tether_server_state", "backend", "app", "server", "a", "state", "MAINT"))
                .isEqualTo(1.0);
        assertThat(admin("GET", "/stats?format=json").body()).contains("{\"name\":\"a\",\"state\":\"MAINT\"");

        assertThat(admin("POST", "/api/servers/app/a/state?state=ready").statusCode()).isEqualTo(200);
        seen.clear();
        for (int i = 0; i < 20; i++) {
            seen.add(proxied("/x", null).headers().firstValue("X-Backend-Id").orElseThrow());
        }
        assertThat(seen).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void drainKeepsStickySessionsButTakesNoNewOnes() throws Exception {
        HttpResponse<String> first = proxied("/x", null);
        String owner = first.headers().firstValue("X-Backend-Id").orElseThrow();
        String cookie = first.headers().firstValue("set-cookie").orElseThrow().split(";")[0];

        assertThat(admin("POST", "/api/servers/app/" + owner + "/state?state=drain").statusCode()).isEqualTo(200);

        assertThat(proxied("/again", cookie).headers().firstValue("X-Backend-Id")).hasValue(owner);
        for (int i = 0; i < 6; i++) {
            assertThat(proxied("/new", null).headers().firstValue("X-Backend-Id")).isNotEqualTo(owner);
        }
    }

    @Test
    void badStateUnknownServerAndGetAreRefused() throws Exception {
        assertThat(admin("POST", "/api/servers/app/a/state?state=sleep").statusCode()).isEqualTo(400);
        assertThat(admin("POST", "/api/servers/app/zz/state?state=drain").statusCode()).isEqualTo(404);
        assertThat(admin("GET", "/api/servers/app/a/state").statusCode()).isEqualTo(405);
        assertThat(admin("POST", "/api/servers").statusCode()).isEqualTo(405);
        assertThat(admin("GET", "/api/route").statusCode()).isEqualTo(400);
    }

    @Test
    void weightChangesTheBalanceAndShowsInTheListing() throws Exception {
        assertThat(admin("POST", "/api/servers/app/a/weight?value=0").statusCode()).isEqualTo(200);

        assertThat(server("a")).containsEntry("weight", 0.0).containsEntry("state", "UP");
        for (int i = 0; i < 10; i++) {
            assertThat(proxied("/w", null).headers().firstValue("X-Backend-Id")).hasValue("b");
        }
        assertThat(admin("POST", "/api/servers/app/a/weight?value=300").statusCode()).isEqualTo(400);
    }

    @Test
    void weightChangeKeepsOperatorStates() throws Exception {
        admin("POST", "/api/servers/app/b/state?state=drain");

        admin("POST", "/api/servers/app/a/weight?value=3");

        assertThat(server("b")).containsEntry("state", "DRAIN");
        assertThat(server("a")).containsEntry("weight", 3.0);
    }

    @Test
    void dryRunMatchesRealRequests() throws Exception {
        // A sticky cookie: the dry run names the server the real request goes to.
        HttpResponse<String> first = proxied("/x", null);
        String owner = first.headers().firstValue("X-Backend-Id").orElseThrow();
        String cookie = first.headers().firstValue("set-cookie").orElseThrow().split(";")[0];

        Map<String, Object> sticky = route("path=" + enc("/again?q=1") + "&cookie=" + enc(cookie));

        assertThat(sticky).containsEntry("decision", "forward").containsEntry("backend", "app")
                .containsEntry("server", owner).containsEntry("reason", "STICKY_COOKIE")
                .containsEntry("rule", "default").containsEntry("cookieStatus", "VALID");
        assertThat(proxied("/again?q=1", cookie).headers().firstValue("X-Backend-Id")).hasValue(owner);

        // A pinning rule.
        Map<String, Object> pinned = route("path=/pinned/doc&method=post");
        assertThat(pinned).containsEntry("server", "b").containsEntry("reason", "PATH_RULE")
                .containsEntry("rule", "pinned").containsEntry("cookieStatus", "NONE");
        assertThat(proxied("/pinned/doc", null).headers().firstValue("X-Backend-Id")).hasValue("b");

        // The cookie's server in maintenance: redispatched, as the real request is.
        admin("POST", "/api/servers/app/" + owner + "/state?state=maint");
        Map<String, Object> moved = route("path=/again&cookie=" + enc(cookie));
        String other = owner.equals("a") ? "b" : "a";
        assertThat(moved).containsEntry("server", other).containsEntry("reason", "REDISPATCHED")
                .containsEntry("cookieStatus", "SERVER_DOWN");
        assertThat(moved.get("setCookie")).asString().startsWith("SRV=");
        assertThat(proxied("/again", cookie).headers().firstValue("X-Backend-Id")).hasValue(other);

        // Nothing left: a 503 decision, and a 503 for real.
        admin("POST", "/api/servers/app/" + other + "/state?state=maint");
        assertThat(route("path=/x")).containsEntry("decision", "reject").containsEntry("status", 503.0)
                .containsEntry("reason", "NO_SERVER_UP");
        assertThat(proxied("/x", null).statusCode()).isEqualTo(503);
    }

    @Test
    void commandLineTalksToTheAdminListener() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        OpsCommand cli = new OpsCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), null);
        String at = "127.0.0.1:" + adminPort;

        assertThat(cli.run(new String[] {"set-state", "app", "a", "drain", "--admin", at})).isZero();
        assertThat(cli.run(new String[] {"servers", "--admin", at})).isZero();
        assertThat(cli.run(new String[] {"route", "/pinned/x", "--admin", at})).isZero();
        assertThat(cli.run(new String[] {"set-state", "app", "a", "nap", "--admin", at})).isEqualTo(1);
        assertThat(cli.run(new String[] {"reload", "--admin", at})).isEqualTo(1); // started without a file

        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).containsPattern("(?m)^BACKEND +SERVER +ADDRESS +STATE +ADMIN +HEALTH")
                .containsPattern("(?m)^app +a +127\\.0\\.0\\.1:" + a.port() + " +DRAIN +DRAIN +UNCHECKED +1 ")
                .contains("\"server\":\"b\",\"state\":\"UP\",\"reason\":\"PATH_RULE\"");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("400").contains("expected ready, drain or maint")
                .contains("409");
        assertThat(new OpsCommand(new PrintStream(out), new PrintStream(err), null).run(
                new String[] {"servers", "--admin", "127.0.0.1:1"})).isEqualTo(69);
    }

    @Test
    void apiTokenGuardsTheApiButNotTheRest() throws Exception {
        tether.stop();
        TestProxy p = new TestProxy().backends(a, b);
        String token = "0123456789abcdef-token";
        tether = Tether.start(p.config().withAdmin(AdminConfig.onPort(0).withApiToken(token)), p.events);
        adminPort = tether.adminAddress().getPort();

        assertThat(admin("GET", "/api/servers").statusCode()).isEqualTo(401);
        HttpResponse<String> wrong = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort
                + "/api/servers/app/a/state?state=maint")).header("Authorization", "Bearer nope")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"tether api\"");
        assertThat(tether.adminState("app", "a")).isEqualTo(dev.tether.health.AdminState.READY);
        assertThat(admin("GET", "/metrics").statusCode()).isEqualTo(200);

        HttpResponse<String> right = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort
                + "/api/servers/app/a/state")).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("maint")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(right.statusCode()).as(right.body()).isEqualTo(200);
        assertThat(tether.adminState("app", "a")).isEqualTo(dev.tether.health.AdminState.MAINT);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String at = "127.0.0.1:" + adminPort;
        OpsCommand anonymous = new OpsCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), null);
        assertThat(anonymous.run(new String[] {"servers", "--admin", at})).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--token");
        OpsCommand withEnv = new OpsCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), token);
        assertThat(withEnv.run(new String[] {"servers", "--admin", at})).isZero();
        assertThat(anonymous.run(new String[] {"servers", "--admin", at, "--token", token})).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).containsPattern("(?m)^app +a .* MAINT +MAINT ");
    }

    @Test
    void pinsAreListedAndReleased() throws Exception {
        ShardPinTable pins = tether.shardPins();
        String base = "ff84e1a1-66e2-4c4e-9d3b-0123456789ab";
        pins.route("bases", base, "a", s -> true);
        pins.route("bases", "0b84e1a1-66e2-4c4e-9d3b-0123456789ab", "a", s -> true);
        pins.route("bases", base, "b", s -> true); // the map moved it

        HttpResponse<String> listed = admin("GET", "/api/pins");
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(listed.body()).contains("\"pinIdleSeconds\":86400").contains("\"keys\":2")
                .contains("{\"rule\":\"bases\",\"key\":\"ff84e1a166e24c4e9d3b0123456789ab\",\"server\":\"a\","
                        + "\"mapped\":\"b\",\"idleSeconds\":");
        JsonReader.parse(listed.body());

        assertThat(admin("POST", "/api/pins/release?rule=bases&key=" + base).statusCode()).isEqualTo(200);
        assertThat(admin("POST", "/api/pins/release?rule=bases&key=" + base).statusCode()).isEqualTo(404);
        assertThat(pins.route("bases", base, "b", s -> true)).isEqualTo("b");
        assertThat(admin("GET", "/api/pins").body()).contains("\"moved\":[]");
        assertThat(admin("POST", "/api/pins/release?moved=all").body()).contains("\"released\":0");
    }

    @Test
    void aWeightThatLeavesAHashRuleWithoutServersIsRefused() throws Exception {
        tether.stop();
        TestProxy p = new TestProxy().backends(a, b);
        p.routes.add(RouteConfig.hash("by-user", RouteMatch.pathPrefix("/u/"), "app", HashConfig.of("header:X-User")));
        tether = Tether.start(p.config().withAdmin(AdminConfig.onPort(0)), p.events);
        adminPort = tether.adminAddress().getPort();

        assertThat(admin("POST", "/api/servers/app/a/weight?value=0").statusCode()).isEqualTo(200);
        HttpResponse<String> last = admin("POST", "/api/servers/app/b/weight?value=0");

        assertThat(last.statusCode()).isEqualTo(400);
        assertThat(last.body()).contains("by-user").contains("weight above 0");
        assertThat(server("b")).containsEntry("weight", 1.0);
    }

    @Test
    void dryRunFollowsTheShardMapAsRealRequestsDo() throws Exception {
        tether.stop();
        TestProxy p = new TestProxy().backends(a, b);
        p.routes.add(RouteConfig.uuidMap("bases", RouteMatch.pathPrefix("/dtable-server/"), "app",
                new UuidMapConfig(null, Map.of("0-7", "a", "8-f", "b"), Map.of("ff84e1a1", "a"), null, null)));
        tether = Tether.start(p.config().withAdmin(AdminConfig.onPort(0)), p.events);
        adminPort = tether.adminAddress().getPort();

        for (String uuid : List.of("0d5b7a84-3f55-4c5e-a3f6-42aa3c4d7e10", "9d5b7a84-3f55-4c5e-a3f6-42aa3c4d7e10",
                "ff84e1a1-3f55-4c5e-a3f6-42aa3c4d7e10")) {
            String path = "/dtable-server/api/v1/dtables/" + uuid + "/rows/";
            Map<String, Object> decision = route("path=" + enc(path));

            assertThat(decision).as(uuid).containsEntry("reason", "UUID_PREFIX_MAP").containsEntry("rule", "bases");
            assertThat(backendOf(proxied(path, null))).as(uuid).isEqualTo(decision.get("server"));
        }
        assertThat(route("path=" + enc("/dtable-server/api/v1/dtables/ff84e1a1-3f55-4c5e-a3f6-42aa3c4d7e10/")))
                .containsEntry("server", "a");

        // The pinned server in maintenance: the map refuses rather than open the base elsewhere, for real too.
        admin("POST", "/api/servers/app/b/state?state=maint");
        String moved = "/dtable-server/api/v1/dtables/9d5b7a84-3f55-4c5e-a3f6-42aa3c4d7e10/rows/";
        assertThat(route("path=" + enc(moved))).containsEntry("decision", "reject").containsEntry("status", 503.0)
                .containsEntry("reason", "PINNED_SERVER_UNAVAILABLE");
        assertThat(proxied(moved, null).statusCode()).isEqualTo(503);
    }

    private static String backendOf(HttpResponse<?> r) {
        return r.headers().firstValue("X-Backend-Id").orElse("none");
    }
}
