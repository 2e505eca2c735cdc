package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.core.log.ExchangeListener;
import dev.tether.core.log.ExchangeRecord;
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
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
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

    /**
     * A signed, dated cookie (id, first-seen and last-seen dates, SipHash tag) through the proxy: it sticks, and a
     * value with one character of its tag or of its dates changed is not an error, only absent: the request is
     * balanced and gets a new cookie.
     */
    @Test
    void aSignedCookieSticksAndATamperedOneIsTreatedAsAbsent() throws Exception {
        TestProxy p = withCookieLog(new TestProxy().backends(n1, n2, n3));
        p.cookie = new StickyCookieConfig("server-pro-ha", true, false, true, false, null, Duration.ofHours(24),
                Duration.ZERO, "a-secret-of-at-least-16-characters");
        proxy = p.start();
        HttpResponse<String> first = get("/project", null);
        String cookie = first.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
        String value = cookie.substring("server-pro-ha=".length());
        assertThat(value).matches("[0-9a-f]{8}\\.[0-9a-f]{8}\\.[0-9a-f]{8}\\.[0-9a-f]{16}");
        String server = servedBy(first);
        for (int i = 0; i < 50; i++) {
            HttpResponse<String> next = get("/project/" + i, cookie);
            assertThat(servedBy(next)).isEqualTo(server);
            assertThat(next.headers().firstValue("set-cookie")).isEmpty();
        }
        int tagEnd = value.length() - 1;
        int lastSeenEnd = value.lastIndexOf('.') - 1;
        for (int at : new int[] {tagEnd, lastSeenEnd}) {
            char c = value.charAt(at);
            String tampered = value.substring(0, at) + (c == '0' ? '1' : '0') + value.substring(at + 1);
            HttpResponse<String> r = get("/project/tampered", "server-pro-ha=" + tampered);
            assertThat(r.statusCode()).isEqualTo(200);
            String renewed = r.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
            assertThat(renewed).startsWith("server-pro-ha=").isNotEqualTo("server-pro-ha=" + tampered);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> cookieLog.size() == 53);
        assertThat(Collections.frequency(cookieLog, "NONE+set")).isEqualTo(1);
        assertThat(Collections.frequency(cookieLog, "VALID")).isEqualTo(50);
        assertThat(Collections.frequency(cookieLog, "INVALID+set")).isEqualTo(2);
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

    /** Records every exchange's cookie status and whether its response set the cookie. */
    private final List<String> cookieLog = new CopyOnWriteArrayList<>();

    private TestProxy withCookieLog(TestProxy p) {
        p.events = new ExchangeListener() {
            @Override
            public void exchangeFinished(ExchangeRecord record) {
                cookieLog.add(record.cookieStatus() + (record.cookieSet() ? "+set" : ""));
            }
        };
        return p;
    }

    private TestBackend backend(String name) {
        return name.equals("n1") ? n1 : name.equals("n2") ? n2 : n3;
    }

    private static String lastCookieSeenBy(TestBackend b) {
        return b.seen().get(b.seen().size() - 1).headers().get("Cookie");
    }

    @Test
    void prefixModePrefixesTheServersCookieFollowsItAndGivesTheServerItsOwnValue() throws Exception {
        TestProxy p = withCookieLog(new TestProxy().backends(n1, n2, n3));
        p.cookie = StickyCookieConfig.prefix("JSESSIONID");
        proxy = p.start();

        HttpResponse<String> first = get("/session?cookie=JSESSIONID", null);
        String server = servedBy(first);
        String setCookie = first.headers().firstValue("set-cookie").orElseThrow();
        // The server's attributes are kept; only the value gained the server's id.
        assertThat(setCookie).matches("JSESSIONID=[0-9a-f]{8}~" + server + "-1; Path=/; HttpOnly");
        String cookie = setCookie.split(";")[0];
        for (int i = 0; i < 100; i++) {
            HttpResponse<String> next = get("/session?cookie=JSESSIONID&i=" + i, "theme=dark; " + cookie + "; lang=en");
            assertThat(servedBy(next)).isEqualTo(server);
            assertThat(next.headers().firstValue("set-cookie")).isEmpty();
        }
        // The server got back exactly the value it set, the other cookies untouched and in order.
        assertThat(lastCookieSeenBy(backend(server))).isEqualTo("theme=dark; JSESSIONID=" + server + "-1; lang=en");
        await().atMost(Duration.ofSeconds(5)).until(() -> cookieLog.size() == 101);
        // Records may arrive slightly out of order: count them.
        assertThat(Collections.frequency(cookieLog, "NONE+set")).isEqualTo(1);
        assertThat(Collections.frequency(cookieLog, "VALID")).isEqualTo(100);
    }

    @Test
    void prefixModeSendsAForgedPrefixToABalancedServerWithoutThePrefix() throws Exception {
        TestProxy p = withCookieLog(new TestProxy().backends(n1, n2, n3));
        p.cookie = StickyCookieConfig.prefix("JSESSIONID");
        proxy = p.start();
        Set<String> servers = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            // A server id no server has, then one that is not an id at all.
            String forged = i % 2 == 0 ? "0badc0de~n1-1" : "%~n1-1";
            HttpResponse<String> r = get("/session?cookie=JSESSIONID", "JSESSIONID=" + forged);
            assertThat(r.statusCode()).isEqualTo(200);
            servers.add(servedBy(r));
            assertThat(lastCookieSeenBy(backend(servedBy(r)))).isEqualTo("JSESSIONID=n1-1");
        }
        assertThat(servers).as("balanced, not pinned by the forged prefix").containsExactlyInAnyOrder("n1", "n2", "n3");
        await().atMost(Duration.ofSeconds(5)).until(() -> cookieLog.size() == 6);
        assertThat(Collections.frequency(cookieLog, "SERVER_UNKNOWN")).isEqualTo(3);
        assertThat(Collections.frequency(cookieLog, "INVALID")).isEqualTo(3);
    }

    @Test
    void rewriteModeReplacesTheServersValueWithItsIdAndFollowsIt() throws Exception {
        TestProxy p = withCookieLog(new TestProxy().backends(n1, n2, n3));
        p.cookie = StickyCookieConfig.rewrite("SERVERID");
        proxy = p.start();
        // No cookie yet, and the application sets none on this path: Tether adds none in rewrite mode.
        assertThat(get("/plain", null).headers().firstValue("set-cookie")).isEmpty();

        HttpResponse<String> first = get("/session?cookie=SERVERID", null);
        String server = servedBy(first);
        String setCookie = first.headers().firstValue("set-cookie").orElseThrow();
        assertThat(setCookie).matches("SERVERID=[0-9a-f]{8}; Path=/; HttpOnly");
        String cookie = setCookie.split(";")[0];
        for (int i = 0; i < 100; i++) {
            assertThat(servedBy(get("/x/" + i, cookie + "; theme=dark"))).isEqualTo(server);
        }
        // As in HAProxy, the cookie reaches the server as the client sent it.
        assertThat(lastCookieSeenBy(backend(server))).isEqualTo(cookie + "; theme=dark");
        // A forged id is balanced like no cookie at all.
        Set<String> servers = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            servers.add(servedBy(get("/y", "SERVERID=0badc0de")));
        }
        assertThat(servers).containsExactlyInAnyOrder("n1", "n2", "n3");
        await().atMost(Duration.ofSeconds(5)).until(() -> cookieLog.size() == 105);
        assertThat(Collections.frequency(cookieLog, "NONE")).isEqualTo(1);
        assertThat(Collections.frequency(cookieLog, "NONE+set")).isEqualTo(1);
        assertThat(Collections.frequency(cookieLog, "VALID")).isEqualTo(100);
        assertThat(Collections.frequency(cookieLog, "SERVER_UNKNOWN")).isEqualTo(3);
    }
}
