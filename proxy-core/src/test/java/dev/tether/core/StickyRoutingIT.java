package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.testing.LeakCheck;
import dev.tether.core.testing.TestBackend;
import dev.tether.core.testing.TestProxy;
import dev.tether.routing.config.RouteConfig;
import dev.tether.routing.config.RouteMatch;
import dev.tether.routing.config.StickyCookieConfig;
import dev.tether.routing.config.UnavailablePolicy;
import dev.tether.routing.config.UuidMapConfig;
import dev.tether.routing.model.ServerState;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The routing engine through the real proxy: cookie persistence, pinned paths, UUID shard maps. */
@ExtendWith(LeakCheck.class)
class StickyRoutingIT {

    private TestBackend n1;
    private TestBackend n2;
    private TestBackend n3;
    private ProxyServer proxy;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void setUp() throws Exception {
        n1 = new TestBackend("n1");
        n2 = new TestBackend("n2");
        n3 = new TestBackend("n3");
    }

    @AfterEach
    void tearDown() {
        if (proxy != null) {
            proxy.stop(Duration.ZERO);
        }
        n1.close();
        n2.close();
        n3.close();
    }

    private HttpResponse<String> get(String path, String cookie) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(TestProxy.uri(proxy, path));
        if (cookie != null) {
            r.header("Cookie", cookie);
        }
        return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String servedBy(HttpResponse<?> r) {
        return r.headers().firstValue("X-Backend-Id").orElseThrow();
    }

    @Test
    void firstResponseSetsTheCookieAndTheNextHundredStick() throws Exception {
        TestProxy p = new TestProxy().backends(n1, n2, n3);
        p.cookie = new StickyCookieConfig("server-pro-ha", true, true, true, false, null, Duration.ofHours(24),
                Duration.ZERO);
        proxy = p.start();
        HttpResponse<String> first = get("/project", null);
        String cookie = first.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
        assertThat(cookie).startsWith("server-pro-ha=");
        assertThat(first.headers().firstValue("cache-control")).hasValue("private");
        String server = servedBy(first);
        for (int i = 0; i < 100; i++) {
            assertThat(servedBy(get("/project/" + i, cookie + "; theme=dark"))).isEqualTo(server);
        }
        // indirect: the server never sees the persistence cookie, only the application's own.
        TestBackend sticky = server.equals("n1") ? n1 : server.equals("n2") ? n2 : n3;
        var last = sticky.seen().get(sticky.seen().size() - 1).headers();
        assertThat(last.get("Cookie")).isEqualTo("theme=dark");
    }

    @Test
    void gitPathsAlwaysReachTheirPinnedServer() throws Exception {
        TestProxy p = new TestProxy().backends(n1, n2, n3);
        p.routes.add(new RouteConfig("git", RouteMatch.pathPrefix("/git/"), "app", "n1", UnavailablePolicy.FALLBACK));
        proxy = p.start();
        for (int i = 0; i < 30; i++) {
            assertThat(servedBy(get("/git/repo" + i, null))).isEqualTo("n1");
        }
        assertThat(n2.count("/git/repo1") + n3.count("/git/repo1")).isZero();
    }

    @Test
    void everyRequestForOneBaseReachesOneServer() throws Exception {
        TestProxy p = new TestProxy().backends(n1, n2, n3);
        Map<String, String> ranges = Map.of("0-5", "n1", "6-9", "n2", "a-f", "n3");
        UuidMapConfig map = new UuidMapConfig(null, ranges, Map.of("ff84e1a1-66e2", "n1"), null,
                UnavailablePolicy.REFUSE);
        p.routes.add(RouteConfig.uuidMap("bases", RouteMatch.pathPrefix("/dtable-server/"), "app", map));
        proxy = p.start();
        Random random = new Random(42);
        Map<String, String> baseToServer = new HashMap<>();
        for (int i = 0; i < 60; i++) {
            String base = new UUID(random.nextLong(), random.nextLong()).toString();
            for (int j = 0; j < 3; j++) {
                String served = servedBy(get("/dtable-server/api/v1/dtables/" + base + "/rows/?r=" + j, null));
                String before = baseToServer.putIfAbsent(base, served);
                assertThat(before == null ? served : before).isEqualTo(served);
            }
            char c = base.charAt(0);
            String expected = c <= '5' ? "n1" : c <= '9' ? "n2" : "n3";
            assertThat(baseToServer.get(base)).isEqualTo(expected);
        }
        // The override wins over the range of its first character ('f' -> n3).
        assertThat(servedBy(get("/dtable-server/api/v1/dtables/ff84e1a1-66e2-4a7c-9f0e-0123456789ab/", null)))
                .isEqualTo("n1");
        // A shard whose server is down is refused, never opened on a second server.
        proxy.tables().setServerState("app", "n3", ServerState.MAINT);
        HttpResponse<String> refused = get("/dtable-server/api/v1/dtables/a0000000-0000-4000-8000-000000000000/", null);
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(n1.count("/dtable-server/api/v1/dtables/a0000000-0000-4000-8000-000000000000/")
                + n2.count("/dtable-server/api/v1/dtables/a0000000-0000-4000-8000-000000000000/")).isZero();
    }
}
