package dev.tether.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tether.core.admin.AdminConfig;
import dev.tether.health.HealthCheckConfig;
import dev.tether.health.HealthCheckConfig.StatusRange;
import dev.tether.health.PassiveHealthConfig;
import dev.tether.routing.config.BackendConfig;
import dev.tether.routing.config.BalanceAlgorithm;
import dev.tether.routing.redispatch.RetryOn;
import dev.tether.routing.config.HashConfig;
import dev.tether.routing.config.RouteConfig;
import dev.tether.routing.config.RouteMatch;
import dev.tether.routing.config.ServerConfig;
import dev.tether.routing.config.CookieMode;
import dev.tether.routing.config.StickyCookieConfig;
import dev.tether.routing.config.UnavailablePolicy;
import dev.tether.routing.config.UuidMapConfig;
import dev.tether.routing.sticky.StickyCookies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {

    /** One backend, one server: the smallest valid file. Line 1 is "tether {". */
    private static final String MINIMAL = """
            tether {
              backends {
                app {
                  servers = [ { name = node1, address = "127.0.0.1:8081" } ]
                }
              }
            }
            """;

    @Test
    void minimalFileGetsEveryDefault() {
        ProxyConfig c = ConfigLoader.parse(MINIMAL, "test.conf");

        assertThat(c.source()).isEqualTo("test.conf");
        assertThat(c.eventLoopThreads()).isZero();
        assertThat(c.drainTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.listeners()).containsExactly(ListenerConfig.of("http", "0.0.0.0", 8080));
        assertThat(c.routing().routes()).isEmpty();
        assertThat(c.routing().defaultBackend()).as("the only backend is the default").isEqualTo("app");
        assertThat(c.routing().backends()).containsExactly(new BackendConfig("app", BalanceAlgorithm.ROUND_ROBIN,
                List.of(ServerConfig.of("node1", "127.0.0.1", 8081)), null, 3, true));
        assertThat(c.timeouts()).containsOnlyKeys("app");
        assertThat(c.timeouts("app")).isEqualTo(BackendTimeouts.defaults());
        assertThat(c.health()).containsOnlyKeys("app");
        assertThat(c.health("app")).isEqualTo(HealthCheckConfig.disabled());
        assertThat(c.passiveHealth()).containsOnlyKeys("app");
        assertThat(c.passiveHealth("app")).isEqualTo(PassiveHealthConfig.defaults());
        assertThat(c.slowStart()).containsOnlyKeys("app");
        assertThat(c.slowStart("app")).isZero();
        assertThat(c.admin()).isEqualTo(AdminConfig.defaults());
        assertThat(c.maxConnections()).as("no proxy-wide cap").isZero();
        assertThat(c.listeners()).singleElement().satisfies(l -> {
            assertThat(l.maxConnections()).isZero();
            assertThat(l.maxConnectionsPerClient()).isZero();
            assertThat(l.minBodyRate()).as("off").isZero();
            assertThat(l.minBodyRateGrace()).isEqualTo(Duration.ofSeconds(5));
        });
    }

    @Test
    void validFileBindsExactValues() {
        String hocon = """
                tether {
                  event-loop-threads = 3
                  drain-timeout = 5s
                  admin { address = "::1", port = 9404, stats-uri = "/haproxy", allowed-cidrs = ["10.0.0.0/8", "::1"],
                          user = ops, password = "s3cret" }
                  listener-defaults { address = "127.0.0.1", client-timeout = 2m }
                  listeners = [
                    { name = http, port = 8080 }
                    { name = admin, address = "::1", port = 0, max-body-size = 1MiB, max-header-size = 16KiB,
                      max-uri-length = 2048, http-request-timeout = 3s, keep-alive-timeout = 500ms }
                  ]
                  default-backend = web
                  routes = [
                    { name = git, path-prefix = "/git/", backend = web, use-server = w1, on-unavailable = refuse }
                    { name = api, path-regex = "/api/v[12]/.*", host = api.example.com, backend = api }
                    { name = canary, path-exact = "/", header { name = X-Canary, value = "1" }, backend = api }
                    { name = flagged, header { name = X-Debug }, backend = api }
                  ]
                  backend-defaults {
                    retries = 1
                    timeouts { connect = 5s }
                  }
                  backends {
                    web {
                      balance = least-connections
                      redispatch = off
                      server-defaults { weight = 10 }
                      servers = [
                        { name = w1, address = "10.0.0.1:80" }
                        { name = w2, address = "[::1]:8082", weight = 0, max-conn = 100 }
                        { name = w3, address = "app3.internal:8080", backup = on }
                      ]
                      cookie { name = srv, indirect = on, nocache = yes, httponly = off, secure = true,
                               domain = example.com, max-idle = 24h, max-life = 7d }
                      timeouts { server = 1h, queue = 0s }
                      pool { idle-timeout = 5s, max-idle = 8 }
                      health-check { enabled = on, method = GET, path = "/health", host = app.local,
                                     expect = "200,204,300-399", interval = 5s, fast-interval = 500ms,
                                     down-interval = 10s, timeout = 1s, rise = 1, fall = 2, slow-start = 30s }
                      passive-health { error-limit = 3, count-5xx = on, on-error = mark-down }
                    }
                    api {
                      balance = first
                      retries = 0
                      servers = [ { name = a1, address = "127.0.0.1:9001" } ]
                    }
                  }
                }
                """;
        ProxyConfig c = ConfigLoader.parse(hocon, "full.conf");

        assertThat(c.eventLoopThreads()).isEqualTo(3);
        assertThat(c.admin()).isEqualTo(
                new AdminConfig("::1", 9404, "/haproxy", List.of("10.0.0.0/8", "::1"), "ops", "s3cret"));
        assertThat(c.drainTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.listeners()).containsExactly(
                new ListenerConfig("http", "127.0.0.1", 8080, Duration.ofMinutes(2), Duration.ofSeconds(10),
                        Duration.ofSeconds(10), 50L << 20, 32 << 10, 8 << 10),
                new ListenerConfig("admin", "::1", 0, Duration.ofMinutes(2), Duration.ofSeconds(3),
                        Duration.ofMillis(500), 1L << 20, 16 << 10, 2048));
        assertThat(c.routing().defaultBackend()).isEqualTo("web");
        assertThat(c.routing().routes()).containsExactly(
                new RouteConfig("git", RouteMatch.pathPrefix("/git/"), "web", "w1", UnavailablePolicy.REFUSE),
                RouteConfig.to("api", new RouteMatch(null, null, "/api/v[12]/.*", "api.example.com", null, null),
                        "api"),
                RouteConfig.to("canary", new RouteMatch(null, "/", null, null, "X-Canary", "1"), "api"),
                RouteConfig.to("flagged", new RouteMatch(null, null, null, null, "X-Debug", null), "api"));
        assertThat(c.routing().backends()).containsExactly(
                new BackendConfig("web", BalanceAlgorithm.LEAST_CONNECTIONS, List.of(
                        new ServerConfig("w1", "10.0.0.1", 80, 10, false, 0),
                        new ServerConfig("w2", "::1", 8082, 0, false, 100),
                        new ServerConfig("w3", "app3.internal", 8080, 10, true, 0)),
                        new StickyCookieConfig("srv", true, true, false, true, "example.com", Duration.ofHours(24),
                                Duration.ofDays(7)),
                        1, false),
                new BackendConfig("api", BalanceAlgorithm.FIRST, List.of(ServerConfig.of("a1", "127.0.0.1", 9001)),
                        null, 0, true));
        assertThat(c.timeouts("web")).isEqualTo(new BackendTimeouts(Duration.ofSeconds(5), Duration.ofHours(1),
                Duration.ZERO, Duration.ofHours(23), Duration.ofSeconds(5), 8));
        assertThat(c.timeouts("api")).as("backend-defaults changed by the file apply to every backend")
                .isEqualTo(new BackendTimeouts(Duration.ofSeconds(5), Duration.ofMinutes(10), Duration.ofMinutes(1),
                        Duration.ofHours(23), Duration.ofSeconds(30), 64));
        assertThat(c.health("web")).isEqualTo(new HealthCheckConfig(true, "GET", "/health", "app.local",
                List.of(new StatusRange(200, 200), new StatusRange(204, 204), new StatusRange(300, 399)),
                Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofSeconds(10), Duration.ofSeconds(1), 1, 2));
        assertThat(c.health("api").enabled()).isFalse();
        assertThat(c.slowStart("web")).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.slowStart("api")).isZero();
        assertThat(c.passiveHealth("web")).isEqualTo(
                new PassiveHealthConfig(true, 3, true, PassiveHealthConfig.OnError.MARK_DOWN));
        assertThat(c.passiveHealth("api")).isEqualTo(PassiveHealthConfig.defaults());
    }

    @Test
    void uuidMapHashAndCookieKeysBindExactRecords() {
        String hocon = """
                tether {
                  routes = [
                    { name = dtables, path-prefix = "/dtable-server/", backend = dtable,
                      uuid-map {
                        pattern = "/dtables/(?<uuid>[0-9a-f-]{36})"
                        ranges { "0-9" = dtable1, "A-E" = dtable2 }
                        overrides { "ff84e1a1-66e2" = dtable2, "0123" = dtable2 }
                        default-server = dtable1
                        on-unavailable = fallback
                      } }
                    { name = plain-map, path-prefix = "/plain/", backend = dtable,
                      uuid-map { ranges { "0-7" = dtable1, "8-f" = dtable2 } } }
                    { name = tenants, path-prefix = "/api/", backend = app,
                      hash { key = "header:X-Tenant", on-unavailable = refuse } }
                    { name = sources, backend = app, hash { key = source } }
                  ]
                  backend-defaults { cookie-defaults { key = "0123456789abcdef-shared" } }
                  backends {
                    dtable {
                      servers = [
                        { name = dtable1, address = "127.0.0.1:5001" }
                        { name = dtable2, address = "127.0.0.1:5002" }
                      ]
                    }
                    app {
                      cookie { name = srv, key = "a-key-of-sixteen+" }
                      servers = [
                        { name = node1, address = "127.0.0.1:8081", cookie = s1 }
                        { name = node2, address = "127.0.0.1:8082", cookie = "node_2-B" }
                        { name = node3, address = "127.0.0.1:8083" }
                      ]
                    }
                    web { cookie { name = web }, servers = [ { name = w1, address = "127.0.0.1:9001" } ] }
                  }
                  default-backend = web
                }
                """;
        ProxyConfig c = ConfigLoader.parse(hocon, "shards.conf");

        assertThat(c.routing().routes()).containsExactly(
                RouteConfig.uuidMap("dtables", RouteMatch.pathPrefix("/dtable-server/"), "dtable",
                        new UuidMapConfig("/dtables/(?<uuid>[0-9a-f-]{36})",
                                Map.of("0-9", "dtable1", "A-E", "dtable2"),
                                Map.of("ff84e1a1-66e2", "dtable2", "0123", "dtable2"),
                                "dtable1", UnavailablePolicy.FALLBACK)),
                RouteConfig.uuidMap("plain-map", RouteMatch.pathPrefix("/plain/"), "dtable",
                        UuidMapConfig.ofRanges(Map.of("0-7", "dtable1", "8-f", "dtable2"))),
                RouteConfig.hash("tenants", RouteMatch.pathPrefix("/api/"), "app",
                        new HashConfig("header:X-Tenant", UnavailablePolicy.REFUSE)),
                RouteConfig.hash("sources", RouteMatch.ANY, "app", HashConfig.of("source")));
        assertThat(c.routing().routes().get(1).uuidMap().onUnavailable()).as("maps refuse by default")
                .isEqualTo(UnavailablePolicy.REFUSE);
        assertThat(c.routing().backend("app").cookie()).isEqualTo(new StickyCookieConfig("srv", false, false, true,
                false, null, Duration.ZERO, Duration.ZERO, "a-key-of-sixteen+"));
        assertThat(c.routing().backend("app").servers()).containsExactly(
                new ServerConfig("node1", "127.0.0.1", 8081, 1, false, 0, "s1"),
                new ServerConfig("node2", "127.0.0.1", 8082, 1, false, 0, "node_2-B"),
                ServerConfig.of("node3", "127.0.0.1", 8083));
        assertThat(c.routing().backend("web").cookie().key()).as("backend-defaults.cookie-defaults.key applies")
                .isEqualTo("0123456789abcdef-shared");
        assertThat(c.routing().backend("dtable").cookie()).isNull();
    }

    @Test
    void cookieModesBindAndIgnoreInsertOnlyDefaults() {
        String hocon = """
                tether {
                  backend-defaults { cookie-defaults { max-idle = 24h, secure = on } }
                  backends {
                    java { cookie { name = JSESSIONID, mode = prefix, nocache = on }
                           servers = [ { name = j1, address = "127.0.0.1:8081" } ] }
                    php { cookie { name = SERVERID, mode = REWRITE, key = "a-key-of-sixteen+" }
                          servers = [ { name = p1, address = "127.0.0.1:8082" } ] }
                    web { cookie { name = web }, servers = [ { name = w1, address = "127.0.0.1:9001" } ] }
                  }
                  default-backend = web
                }
                """;
        ProxyConfig c = ConfigLoader.parse(hocon, "modes.conf");
        assertThat(c.routing().backend("java").cookie()).isEqualTo(new StickyCookieConfig("JSESSIONID", false, true,
                false, false, null, Duration.ZERO, Duration.ZERO, null, CookieMode.PREFIX));
        assertThat(c.routing().backend("php").cookie()).isEqualTo(new StickyCookieConfig("SERVERID", false, false,
                false, false, null, Duration.ZERO, Duration.ZERO, "a-key-of-sixteen+", CookieMode.REWRITE));
        assertThat(c.routing().backend("web").cookie().mode()).isEqualTo(CookieMode.INSERT);
        assertThat(c.routing().backend("web").cookie().maxIdle()).isEqualTo(Duration.ofHours(24));
    }

    /**
     * Each row: a file with one mistake, and the exact message it must produce. Line numbers count from the
     * {@code tether {} line as 1.
     */
    static Stream<Arguments> oneProblemEach() {
        return Stream.of(
                Arguments.of("unknown key with a suggestion", """
                        tether {
                          backend-defaults { pool { max-idel = 8 } }
                        """ + BACKEND,
                        "t.conf:2: tether.backend-defaults.pool.max-idel = 8 (unknown key; did you mean max-idle?)"),
                Arguments.of("unknown key without a close match", """
                        tether {
                          listener-defaults { colour = blue }
                        """ + BACKEND,
                        "t.conf:2: tether.listener-defaults.colour = \"blue\" (unknown key; expected one of address,"
                                + " client-timeout, http-request-timeout, keep-alive-timeout, max-body-size,"
                                + " max-connections, max-connections-per-client, max-header-size, max-uri-length,"
                                + " min-body-rate, min-body-rate-grace, proxy-protocol, redirect-https,"
                                + " redirect-https-port, response-headers, served-by-header, tls, trusted-proxies)"),
                Arguments.of("unknown key in a server", """
                        tether {
                          backends { app { servers = [ { name = a, address = "h:1", wieght = 2 } ] } }
                        }
                        """,
                        "t.conf:2: tether.backends.app.servers[0].wieght = 2 (unknown key; did you mean weight?)"),
                Arguments.of("unknown key in a backend", """
                        tether {
                          backends { app { servers = [ { name = a, address = "h:1" } ], balnce = first } }
                        }
                        """,
                        "t.conf:2: tether.backends.app.balnce = \"first\" (unknown key; did you mean balance?)"),
                Arguments.of("unknown top-level key", """
                        tehter { }
                        """ + "tether {\n" + BACKEND,
                        "t.conf:1: tehter = {} (unknown key; did you mean tether?; every setting goes in tether { })"),
                Arguments.of("wrong type: string for an integer", """
                        tether {
                          backends { app { retries = many, servers = [ { name = a, address = "h:1" } ] } }
                        }
                        """,
                        "t.conf:2: tether.backends.app.retries = \"many\" (expected an integer 0..10)"),
                Arguments.of("weight out of range", """
                        tether {
                          backends {
                            app {
                              servers = [
                                { name = a, address = "h:1" }
                                { name = b, address = "h:2" }
                                { name = c, address = "h:3", weight = -1 }
                              ]
                            }
                          }
                        }
                        """,
                        "t.conf:7: tether.backends.app.servers[2].weight = -1 (expected an integer 0..256)"),
                Arguments.of("wrong type: object for a string", """
                        tether {
                          backends { app { balance { x = 1 }, servers = [ { name = a, address = "h:1" } ] } }
                        }
                        """,
                        "t.conf:2: tether.backends.app.balance = {\"x\":1} (expected one of round-robin,"
                                + " least-connections, power-of-two, first)"),
                Arguments.of("wrong type: servers not a list", """
                        tether {
                          backends { app { servers = "h:1" } }
                        }
                        """,
                        "t.conf:2: tether.backends.app.servers = \"h:1\" (expected a list of servers such as"
                                + " [ { name = node1, address = \"127.0.0.1:8081\" } ])"),
                Arguments.of("bad duration", """
                        tether {
                          backend-defaults { timeouts { connect = 15 sec } }
                        """ + BACKEND,
                        "t.conf:2: tether.backend-defaults.timeouts.connect = \"15 sec\" (expected a duration such as"
                                + " 500ms, 15s, 10m or 23h, above 0)"),
                Arguments.of("zero duration where a positive one is needed", """
                        tether {
                          listeners = [ { name = http, port = 8080, client-timeout = 0s } ]
                        """ + BACKEND,
                        "t.conf:2: tether.listeners[0].client-timeout = \"0s\" (expected a duration such as 500ms,"
                                + " 15s, 10m or 23h, above 0)"),
                Arguments.of("bad size", """
                        tether {
                          listener-defaults { max-body-size = 50 megs }
                        """ + BACKEND,
                        "t.conf:2: tether.listener-defaults.max-body-size = \"50 megs\" (expected a size such as"
                                + " 8192, 32KiB or 50MiB, above 0)"),
                Arguments.of("size too large for an int", """
                        tether {
                          listener-defaults { max-header-size = 4GiB }
                        """ + BACKEND,
                        "t.conf:2: tether.listener-defaults.max-header-size = \"4GiB\" (expected a size such as"
                                + " 8192, 32KiB or 50MiB, above 0, below 2GiB)"),
                Arguments.of("unknown balance algorithm", """
                        tether {
                          backends { app { balance = roundrobin, servers = [ { name = a, address = "h:1" } ] } }
                        }
                        """,
                        "t.conf:2: tether.backends.app.balance = \"roundrobin\" (expected one of round-robin,"
                                + " least-connections, power-of-two, first)"),
                Arguments.of("route names a missing backend", """
                        tether {
                          routes = [
                            { name = git, path-prefix = "/git/", backend = ap }
                          ]
                        """ + BACKEND,
                        "t.conf:3: tether.routes[0].backend = \"ap\" (names no backend; backends: app;"
                                + " did you mean app?)"),
                Arguments.of("route names a missing server", """
                        tether {
                          routes = [
                            { name = git, path-prefix = "/git/", backend = app, use-server = node9 }
                          ]
                        """ + BACKEND,
                        "t.conf:3: tether.routes[0].use-server = \"node9\" (names no server of backend app;"
                                + " its servers: node1, node2; did you mean node1?)"),
                Arguments.of("default backend missing", """
                        tether {
                          default-backend = web
                        """ + BACKEND,
                        "t.conf:2: tether.default-backend = \"web\" (names no backend; backends: app)"),
                Arguments.of("on-unavailable without use-server", """
                        tether {
                          routes = [ { name = r, backend = app, on-unavailable = refuse } ]
                        """ + BACKEND,
                        "t.conf:2: tether.routes[0].on-unavailable = \"refuse\" (applies only with use-server;"
                                + " remove it or add use-server)"),
                Arguments.of("bad on-unavailable", """
                        tether {
                          routes = [ { name = r, backend = app, use-server = node1, on-unavailable = wait } ]
                        """ + BACKEND,
                        "t.conf:2: tether.routes[0].on-unavailable = \"wait\" (expected fallback (balance over the"
                                + " backend) or refuse (answer 503))"),
                Arguments.of("bad regex", """
                        tether {
                          routes = [ { name = r, backend = app, path-regex = "/a(" } ]
                        """ + BACKEND,
                        "t.conf:2: tether.routes[0].path-regex = \"/a(\" (expected a Java regular expression"
                                + " matching the whole path, such as \"/api/v[12]/.*\"; Unclosed group at index 3)"),
                Arguments.of("prefix without leading slash", """
                        tether {
                          routes = [ { name = r, backend = app, path-prefix = "git/" } ]
                        """ + BACKEND,
                        "t.conf:2: tether.routes[0].path-prefix = \"git/\" (expected a path starting with /,"
                                + " such as \"/git/\")"),
                Arguments.of("route without backend", """
                        tether {
                          routes = [ { name = r, path-prefix = "/" } ]
                        """ + BACKEND,
                        "t.conf:2: tether.routes[0].backend (missing; expected the name of a backend"
                                + " (backends: app))"),
                Arguments.of("duplicate route names", """
                        tether {
                          routes = [
                            { name = r, path-prefix = "/a", backend = app }
                            { name = r, path-prefix = "/b", backend = app }
                          ]
                        """ + BACKEND,
                        "t.conf:4: tether.routes[1].name = \"r\" (duplicate: tether.routes[0] has the same name;"
                                + " route names must be unique)"),
                Arguments.of("duplicate server names", """
                        tether {
                          backends {
                            app {
                              servers = [
                                { name = node1, address = "h:1" }
                                { name = node1, address = "h:2" }
                              ]
                            }
                          }
                        }
                        """,
                        "t.conf:6: tether.backends.app.servers[1].name = \"node1\" (duplicate:"
                                + " tether.backends.app.servers[0] has the same name; server names must be unique"
                                + " within a backend)"),
                Arguments.of("duplicate listener names", """
                        tether {
                          listeners = [
                            { name = http, port = 8080 }
                            { name = http, port = 8081 }
                          ]
                        """ + BACKEND,
                        "t.conf:4: tether.listeners[1].name = \"http\" (duplicate: tether.listeners[0] has the"
                                + " same name; listener names must be unique)"),
                Arguments.of("duplicate listener ports", """
                        tether {
                          listeners = [
                            { name = http, port = 8080 }
                            { name = other, address = "127.0.0.1", port = 8080 }
                          ]
                        """ + BACKEND,
                        "t.conf:4: tether.listeners[1].port = 8080 (already used by tether.listeners[0];"
                                + " each listener needs its own port)"),
                Arguments.of("listener port out of range", """
                        tether {
                          listeners = [ { name = http, port = 80800 } ]
                        """ + BACKEND,
                        "t.conf:2: tether.listeners[0].port = 80800 (expected an integer 0..65535)"),
                Arguments.of("listener without port", """
                        tether {
                          listeners = [ { name = http } ]
                        """ + BACKEND,
                        "t.conf:2: tether.listeners[0].port (missing; expected an integer 0..65535)"),
                Arguments.of("listener address with a port", """
                        tether {
                          listeners = [ { name = http, address = "0.0.0.0:8080", port = 8080 } ]
                        """ + BACKEND,
                        "t.conf:2: tether.listeners[0].address = \"0.0.0.0:8080\" (expected a bind address without"
                                + " port, such as \"0.0.0.0\", \"::\" or \"127.0.0.1\" (the port goes in port = ...))"),
                Arguments.of("no listeners", """
                        tether {
                          listeners = []
                        """ + BACKEND,
                        "t.conf:2: tether.listeners = [] (expected at least one listener, such as"
                                + " [ { name = http, port = 8080 } ])"),
                Arguments.of("server address without port", """
                        tether {
                          backends { app { servers = [ { name = a, address = "127.0.0.1" } ] } }
                        }
                        """,
                        "t.conf:2: tether.backends.app.servers[0].address = \"127.0.0.1\" (expected \"host:port\""
                                + " such as \"127.0.0.1:8081\", \"app1.internal:80\" or \"[::1]:8081\")"),
                Arguments.of("server address with a bad port", """
                        tether {
                          backends { app { servers = [ { name = a, address = "127.0.0.1:99999" } ] } }
                        }
                        """,
                        "t.conf:2: tether.backends.app.servers[0].address = \"127.0.0.1:99999\" (expected"
                                + " \"host:port\" such as \"127.0.0.1:8081\", \"app1.internal:80\" or \"[::1]:8081\")"),
                Arguments.of("server without address", """
                        tether {
                          backends { app { servers = [ { name = a } ] } }
                        }
                        """,
                        "t.conf:2: tether.backends.app.servers[0].address (missing; expected \"host:port\" such as"
                                + " \"127.0.0.1:8081\", \"app1.internal:80\" or \"[::1]:8081\")"),
                Arguments.of("server name with a space", """
                        tether {
                          backends { app { servers = [ { name = "node 1", address = "h:1" } ] } }
                        }
                        """,
                        "t.conf:2: tether.backends.app.servers[0].name = \"node 1\" (expected a name of letters,"
                                + " digits, '.', '_' or '-')"),
                Arguments.of("backend without servers", """
                        tether {
                          backends { app { servers = [] } }
                        }
                        """,
                        "t.conf:2: tether.backends.app.servers = [] (expected at least one server, such as"
                                + " [ { name = node1, address = \"127.0.0.1:8081\" } ])"),
                Arguments.of("no backends", """
                        tether {
                          listeners = [ { name = http, port = 8080 } ]
                        }
                        """,
                        "t.conf:1: tether.backends (missing; expected at least one backend, such as backends"
                                + " { app { servers = [ { name = node1, address = \"127.0.0.1:8081\" } ] } })"),
                Arguments.of("bad cookie name", """
                        tether {
                          backends { app { servers = [ { name = a, address = "h:1" } ], cookie { name = "a b" } } }
                        }
                        """,
                        "t.conf:2: tether.backends.app.cookie.name = \"a b\" (expected a cookie name (letters, digits"
                                + " and !#$%&'*+-.^_`|~))"),
                Arguments.of("uuid-map ranges leave characters uncovered", """
                        tether {
                          routes = [ { name = d, backend = app, uuid-map { ranges { "0-9" = node1, "a-b" = node2 } } } ]
                        """ + BACKEND,
                        "t.conf:2: tether.routes[0].uuid-map.ranges = {\"0-9\":\"node1\",\"a-b\":\"node2\"} (does not"
                                + " cover first characters c, d, e, f; add a range such as \"c-f\" = <server>, or set"
                                + " default-server for every character no range covers)"),
                Arguments.of("uuid-map without ranges or default-server", """
                        tether {
                          routes = [ { name = d, backend = app, uuid-map { overrides { "ab" = node1 } } } ]
                        """ + BACKEND,
                        "t.conf:2: tether.routes[0].uuid-map.ranges (does not cover first characters 0, 1, 2, 3, 4,"
                                + " 5, 6, 7, 8, 9, a, b, c, d, e, f; add a range such as \"0-f\" = <server>, or set"
                                + " default-server for every character no range covers)"),
                Arguments.of("uuid-map ranges overlap", """
                        tether {
                          routes = [
                            { name = d, backend = app, uuid-map {
                                ranges {
                                  "0-9" = node1
                                  "8-f" = node2
                                } } }
                          ]
                        """ + BACKEND,
                        "t.conf:6: tether.routes[0].uuid-map.ranges.8-f = \"node2\" (overlaps \"0-9\" on '8', '9';"
                                + " each first character belongs to exactly one range)"),
                Arguments.of("uuid-map range naming a server the backend lacks", """
                        tether {
                          routes = [ { name = d, backend = app, uuid-map { ranges { "0-9" = node1, "a-f" = node3 } } } ]
                        """ + BACKEND,
                        "t.conf:2: tether.routes[0].uuid-map.ranges.a-f = \"node3\" (names no server of backend"
                                + " app; its servers: node1, node2; did you mean node1?)"),
                Arguments.of("uuid-map override naming a server the backend lacks", """
                        tether {
                          routes = [ { name = d, backend = app, uuid-map { default-server = node1,
                                       overrides { "ff84e1a1-66e2" = dtable2 } } } ]
                        """ + BACKEND,
                        "t.conf:3: tether.routes[0].uuid-map.overrides.ff84e1a1-66e2 = \"dtable2\" (names no server"
                                + " of backend app; its servers: node1, node2)"),
                Arguments.of("uuid-map default-server the backend lacks", """
                        tether {
                          routes = [ { name = d, backend = app, uuid-map { default-server = node9 } } ]
                        """ + BACKEND,
                        "t.conf:2: tether.routes[0].uuid-map.default-server = \"node9\" (names no server of backend"
                                + " app; its servers: node1, node2; did you mean node1?)"),
                Arguments.of("uuid-map malformed range", """
                        tether {
                          routes = [ { name = d, backend = app, uuid-map { default-server = node1, ranges { "a-z" = node2 } } } ]
                        """ + BACKEND,
                        "t.conf:2: tether.routes[0].uuid-map.ranges.a-z = \"node2\" (expected a quoted first hex"
                                + " character or range as the key, such as \"7\", \"0-9\" or \"a-f\")"),
                Arguments.of("uuid-map malformed override", """
                        tether {
                          routes = [ { name = d, backend = app, uuid-map { default-server = node1, overrides { "base-1" = node2 } } } ]
                        """ + BACKEND,
                        "t.conf:2: tether.routes[0].uuid-map.overrides.base-1 = \"node2\" (expected a quoted UUID"
                                + " prefix of 1 to 32 hex digits as the key, dashes allowed, such as \"ff84e1a1-66e2\")"),
                Arguments.of("uuid-map override written twice", """
                        tether {
                          routes = [ { name = d, backend = app, uuid-map { default-server = node1,
                                       overrides {
                                         "ff84e1a1-66e2" = node2
                                         "FF84E1A166E2" = node1
                                       } } } ]
                        """ + BACKEND,
                        "t.conf:5: tether.routes[0].uuid-map.overrides.FF84E1A166E2 = \"node1\" (duplicate: the same"
                                + " prefix as tether.routes[0].uuid-map.overrides.ff84e1a1-66e2 (dashes and case are"
                                + " ignored); keep one)"),
                Arguments.of("uuid-map bad pattern", """
                        tether {
                          routes = [ { name = d, backend = app, uuid-map { default-server = node1, pattern = "/(x" } } ]
                        """ + BACKEND,
                        "t.conf:2: tether.routes[0].uuid-map.pattern = \"/(x\" (expected a Java regular expression"
                                + " finding the base UUID (group \"uuid\", else group 1), or null for the first dashed UUID"
                                + " in the path; Unclosed group at index 3)"),
                Arguments.of("uuid-map bad on-unavailable", """
                        tether {
                          routes = [ { name = d, backend = app, uuid-map { default-server = node1, on-unavailable = wait } } ]
                        """ + BACKEND,
                        "t.conf:2: tether.routes[0].uuid-map.on-unavailable = \"wait\" (expected refuse (answer 503,"
                                + " so a base is never opened on two servers) or fallback (balance over the backend))"),
                Arguments.of("uuid-map unknown key", """
                        tether {
                          routes = [ { name = d, backend = app, uuid-map { default-server = node1, range { } } } ]
                        """ + BACKEND,
                        "t.conf:2: tether.routes[0].uuid-map.range = {} (unknown key; did you mean ranges?)"),
                Arguments.of("use-server and uuid-map on one route", """
                        tether {
                          routes = [ { name = d, backend = app, use-server = node1,
                                       uuid-map { default-server = node1 } } ]
                        """ + BACKEND,
                        "t.conf:3: tether.routes[0].uuid-map = {\"default-server\":\"node1\"} (the route already pins by"
                                + " use-server; set at most one of use-server, uuid-map and hash, or split the route in"
                                + " two)"),
                Arguments.of("route-level on-unavailable with a hash", """
                        tether {
                          routes = [ { name = d, backend = app, on-unavailable = refuse, hash { key = uuid } } ]
                        """ + BACKEND,
                        "t.conf:2: tether.routes[0].on-unavailable = \"refuse\" (applies only with use-server; write it"
                                + " inside uuid-map { } or hash { })"),
                Arguments.of("unknown hash key kind", """
                        tether {
                          routes = [ { name = h, backend = app, hash { key = "query:tenant" } } ]
                        """ + BACKEND,
                        "t.conf:2: tether.routes[0].hash.key = \"query:tenant\" (unknown kind query; expected uuid,"
                                + " source, header:NAME or cookie:NAME, such as \"header:X-Tenant\")"),
                Arguments.of("hash header without a name", """
                        tether {
                          routes = [ { name = h, backend = app, hash { key = "header:" } } ]
                        """ + BACKEND,
                        "t.conf:2: tether.routes[0].hash.key = \"header:\" (header needs a name, such as"
                                + " header:X-Tenant)"),
                Arguments.of("hash without key", """
                        tether {
                          routes = [ { name = h, backend = app, hash { on-unavailable = refuse } } ]
                        """ + BACKEND,
                        "t.conf:2: tether.routes[0].hash.key (missing; expected uuid, source, header:NAME or"
                                + " cookie:NAME, such as \"header:X-Tenant\")"),
                Arguments.of("hash over a backend with no primary server to hash onto", """
                        tether {
                          routes = [ { name = h, backend = app, hash { key = source } } ]
                          backends { app { servers = [ { name = node1, address = "h:1", weight = 0 } ] } }
                        }
                        """,
                        "t.conf:2: tether.routes[0].hash (backend app has no primary server with weight above 0 to"
                                + " hash onto; give one a weight, or pin another way)"),
                Arguments.of("cookie key too short, value not shown", """
                        tether {
                          backends { app { servers = [ { name = a, address = "h:1" } ], cookie { name = srv, key = "s3cret" } } }
                        }
                        """,
                        "t.conf:2: tether.backends.app.cookie.key (has 6 characters; expected a signing key of at"
                                + " least 16 characters, the same on every Tether instance, or null for unsigned cookies)"),
                Arguments.of("server cookie with a bad character", """
                        tether {
                          backends { app { servers = [ { name = a, address = "h:1", cookie = "a.b" } ], cookie { name = srv } } }
                        }
                        """,
                        "t.conf:2: tether.backends.app.servers[0].cookie = \"a.b\" (expected a cookie value of 1 to 32"
                                + " letters, digits, '-' or '_', or null to derive one from the name)"),
                Arguments.of("two servers with one cookie value", """
                        tether {
                          backends {
                            app {
                              cookie { name = srv }
                              servers = [
                                { name = a, address = "h:1", cookie = s1 }
                                { name = b, address = "h:2", cookie = s1 }
                              ]
                            }
                          }
                        }
                        """,
                        "t.conf:7: tether.backends.app.servers[1].cookie = \"s1\" (duplicate:"
                                + " tether.backends.app.servers[0] has the same cookie; each server needs its own cookie"
                                + " value)"),
                Arguments.of("server cookie without a backend cookie", """
                        tether {
                          backends { app { servers = [ { name = a, address = "h:1", cookie = s1 } ] } }
                        }
                        """,
                        "t.conf:2: tether.backends.app.servers[0].cookie = \"s1\" (applies only when the backend has"
                                + " cookie { name = ... }; add one or remove this)"),
                Arguments.of("unknown cookie mode", """
                        tether {
                          backends { app { servers = [ { name = a, address = "h:1" } ], cookie { name = srv, mode = stick } } }
                        }
                        """,
                        "t.conf:2: tether.backends.app.cookie.mode = \"stick\" (expected insert, rewrite, prefix"
                                + " (insert: Tether sets the cookie; rewrite: the server sets it and Tether replaces its"
                                + " value; prefix: Tether prefixes the server's value))"),
                Arguments.of("insert-only cookie option in prefix mode", """
                        tether {
                          backends { app { servers = [ { name = a, address = "h:1" } ],
                            cookie { name = JSESSIONID, mode = prefix, max-idle = 1h } } }
                        }
                        """,
                        "t.conf:3: tether.backends.app.cookie.max-idle = \"1h\" (applies to mode = insert only; with"
                                + " mode = prefix the server writes the cookie and its attributes, and Tether only edits"
                                + " the value; remove this key or use mode = insert)"),
                Arguments.of("bad expect", """
                        tether {
                          backend-defaults { health-check { expect = "2xx" } }
                        """ + BACKEND,
                        "t.conf:2: tether.backend-defaults.health-check.expect = \"2xx\" (expected status codes"
                                + " 100..599 such as \"200\", \"200-399\" or \"200,204,300-399\")"),
                Arguments.of("bad boolean", """
                        tether {
                          backend-defaults { health-check { enabled = sometimes } }
                        """ + BACKEND,
                        "t.conf:2: tether.backend-defaults.health-check.enabled = \"sometimes\" (expected on or off)"),
                Arguments.of("health method in lower case", """
                        tether {
                          backend-defaults { health-check { method = head } }
                        """ + BACKEND,
                        "t.conf:2: tether.backend-defaults.health-check.method = \"head\" (expected an HTTP method in"
                                + " capitals such as HEAD or GET)"),
                Arguments.of("fall zero", """
                        tether {
                          backends { app { servers = [ { name = a, address = "h:1" } ], health-check { fall = 0 } } }
                        }
                        """,
                        "t.conf:2: tether.backends.app.health-check.fall = 0 (expected an integer 1..100)"),
                Arguments.of("bad passive on-error", """
                        tether {
                          backend-defaults { passive-health { on-error = drop } }
                        """ + BACKEND,
                        "t.conf:2: tether.backend-defaults.passive-health.on-error = \"drop\" (expected fail-check"
                                + " (counts as one failed check) or mark-down (down at once))"),
                Arguments.of("negative slow start", """
                        tether {
                          backends { app { servers = [ { name = a, address = "h:1" } ], health-check { slow-start = -5s } } }
                        }
                        """,
                        "t.conf:2: tether.backends.app.health-check.slow-start = \"-5s\" (expected a duration such as"
                                + " 500ms, 15s, 10m or 23h)"),
                Arguments.of("admin cidr that is a host name", """
                        tether {
                          admin { allowed-cidrs = ["10.0.0.0/8", "office.example.com"] }
                        """ + BACKEND,
                        "t.conf:2: tether.admin.allowed-cidrs[1] = \"office.example.com\" (expected a literal IP"
                                + " with an optional /prefix, such as 10.0.0.0/8 or ::1)"),
                Arguments.of("admin user without password", """
                        tether {
                          admin { user = ops }
                        """ + BACKEND,
                        "t.conf:2: tether.admin.user = \"ops\" (user and password are set together, or neither"
                                + " (no authentication))"),
                Arguments.of("admin stats on the metrics path", """
                        tether {
                          admin { stats-uri = "/metrics" }
                        """ + BACKEND,
                        "t.conf:2: tether.admin.stats-uri = \"/metrics\" (expected a path starting with /, such as"
                                + " /stats (/metrics is Prometheus'))"),
                Arguments.of("admin port taken by a listener", """
                        tether {
                          listeners = [ { name = http, port = 8404 } ]
                        """ + BACKEND,
                        "t.conf:2: tether.listeners[0].port = 8404 (already used by the admin listener"
                                + " (tether.admin.port); choose another port, or move the admin listener with"
                                + " admin.port)"),
                Arguments.of("fractional integer", """
                        tether {
                          event-loop-threads = 1.5
                        """ + BACKEND,
                        "t.conf:2: tether.event-loop-threads = 1.5 (expected an integer 0..1024)"),
                Arguments.of("unresolvable substitution", """
                        tether {
                          drain-timeout = ${nothing.here}
                        """ + BACKEND,
                        "t.conf:2: Could not resolve substitution to a value: ${nothing.here}"),
                Arguments.of("syntax error", """
                        tether {
                          listeners = [ { name = http, port = 8080 }
                        }
                        """,
                        "t.conf:3: List should have had new element after a comma, instead had token: '}'"
                                + " (if you want the comma or '}' to be part of a string value, then double-quote it)"));
    }

    /** Closes {@code tether {} with a valid backend of two servers; always starts on its own line. */
    private static final String BACKEND = """
              backends { app { servers = [ { name = node1, address = "h:1" }, { name = node2, address = "h:2" } ] } }
            }
            """;

    @ParameterizedTest(name = "{0}")
    @MethodSource("oneProblemEach")
    void oneProblemIsReportedWithFileLineKeyAndWhatIsExpected(String what, String hocon, String expected) {
        InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class,
                () -> ConfigLoader.parse(hocon, "t.conf"));

        assertThat(e).as("a problem for: " + what).isNotNull();
        assertThat(e.problems()).extracting(ConfigProblem::message).containsExactly(expected);
        assertThat(e.getMessage()).contains(expected).startsWith("t.conf: 1 problem");
    }

    @Test
    void retryOnAndDrainIdleBindWithTheirDefaults() {
        ProxyConfig c = ConfigLoader.parse("""
                tether {
                  backends {
                    app {
                      retry-on = [conn-failure, 503, "504", empty-response]
                      drain-idle-timeout = 5m
                      servers = [ { name = n, address = "h:1" } ]
                    }
                    api { retry-on = [], servers = [ { name = n, address = "h:2" } ] }
                    web { servers = [ { name = n, address = "h:3" } ] }
                  }
                  default-backend = app
                }
                """, "t.conf");
        assertThat(c.routing().backend("app").retryOn()).containsExactlyInAnyOrder(RetryOn.CONNECT_FAILURE,
                RetryOn.STATUS_503, RetryOn.STATUS_504, RetryOn.EMPTY_RESPONSE);
        assertThat(c.routing().backend("api").retryOn()).isEmpty();
        assertThat(c.routing().backend("web").retryOn()).isEqualTo(RetryOn.DEFAULT);
        assertThat(c.routing().backend("app").drainIdle()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.routing().backend("web").drainIdle()).as("off by default").isZero();
        assertThat(ConfigSummary.describe(c)).contains("retry-on connect-failure empty-response 503 504, drain-idle 5m")
                .doesNotContain("retry-on connect-failure\n");
    }

    @Test
    void unknownRetryOnConditionsAreEachReportedWithTheAcceptedNames() {
        InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class, () -> ConfigLoader.parse("""
                tether {
                  backends {
                    app {
                      retry-on = [connect-failure, 500, timeout]
                      servers = [ { name = n, address = "h:1" } ]
                    }
                    api { retry-on = connect-failure, servers = [ { name = n, address = "h:2" } ] }
                  }
                  default-backend = app
                }
                """, "t.conf"));
        String accepted = "connect-failure, empty-response, response-timeout, 502, 503, 504";
        assertThat(e.problems()).extracting(ConfigProblem::message).containsExactlyInAnyOrder(
                "t.conf:4: tether.backends.app.retry-on[1] = 500 (unknown retry-on condition; expected one of "
                        + accepted + ")",
                "t.conf:4: tether.backends.app.retry-on[2] = \"timeout\" (unknown retry-on condition; expected one of "
                        + accepted + ")",
                "t.conf:7: tether.backends.api.retry-on = \"connect-failure\" (expected a list of conditions from "
                        + accepted + ", such as [connect-failure, 503]; [] = never retry)");
    }

    @Test
    void aFixedCookieEqualToAnotherServersDerivedIdIsALocatedProblemNotAnException() {
        String derived = new StickyCookies(StickyCookieConfig.insert("srv"), List.of("a", "b")).id(1);
        String hocon = """
                tether {
                  backends {
                    app {
                      cookie { name = srv }
                      servers = [
                        { name = a, address = "h:1", cookie = %s }
                        { name = b, address = "h:2" }
                      ]
                    }
                  }
                }
                """.formatted(derived);
        InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class,
                () -> ConfigLoader.parse(hocon, "c.conf"));

        assertThat(e).isNotNull();
        assertThat(e.problems()).extracting(ConfigProblem::message).containsExactly(
                "c.conf:4: tether.backends.app.cookie (cookie srv: servers a and b have the same cookie id " + derived
                        + "; rename one of them, change cookie.key or set a different server cookie)");
    }

    @Test
    void uuidMapProblemsAreAllReportedEachWhereItIsWritten() {
        String hocon = """
                tether {
                  routes = [
                    { name = d, backend = app, uuid-map {
                        ranges {
                          "0-7" = node1
                          "6-9" = node2
                          "b" = node3
                        }
                        overrides { "xyz" = node1 }
                      } }
                  ]
                  backends { app { servers = [ { name = node1, address = "h:1" }, { name = node2, address = "h:2" } ] } }
                }
                """;
        InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class,
                () -> ConfigLoader.parse(hocon, "m.conf"));

        assertThat(e.problems()).extracting(p -> p.location() + " " + p.path()).containsExactly(
                "m.conf:4 tether.routes[0].uuid-map.ranges",
                "m.conf:6 tether.routes[0].uuid-map.ranges.6-9",
                "m.conf:7 tether.routes[0].uuid-map.ranges.b",
                "m.conf:9 tether.routes[0].uuid-map.overrides.xyz");
        assertThat(e.problems().get(0).expected()).startsWith("does not cover first characters a, c, d, e, f; add"
                + " ranges such as \"a\" = <server> and \"c-f\" = <server>");
    }

    @Test
    void everyProblemIsReportedNotOnlyTheFirstInLineOrder() {
        String hocon = """
                tether {
                  listeners = [ { name = http, port = -1 } ]
                  routes = [ { name = r, backend = nope } ]
                  backends {
                    app {
                      balance = fastest
                      servers = [
                        { name = a, address = "h", weight = 300 }
                        { name = a, address = "h:2" }
                      ]
                      timeouts { server = soon }
                    }
                  }
                  drain-timout = 1s
                }
                """;
        InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class,
                () -> ConfigLoader.parse(hocon, "many.conf"));

        assertThat(e.problems()).extracting(p -> p.location() + " " + p.path()).containsExactly(
                "many.conf:2 tether.listeners[0].port",
                "many.conf:3 tether.routes[0].backend",
                "many.conf:6 tether.backends.app.balance",
                "many.conf:8 tether.backends.app.servers[0].address",
                "many.conf:8 tether.backends.app.servers[0].weight",
                "many.conf:9 tether.backends.app.servers[1].name",
                "many.conf:11 tether.backends.app.timeouts.server",
                "many.conf:14 tether.drain-timout");
        assertThat(e.getMessage()).startsWith("many.conf: 8 problems");
    }

    @Test
    void aBadDefaultIsReportedOnceWhereItIsWritten() {
        String hocon = """
                tether {
                  listener-defaults { keep-alive-timeout = forever }
                  listeners = [ { name = a, port = 1 }, { name = b, port = 2 } ]
                  backend-defaults { server-defaults { weight = heavy } }
                  backends {
                    x { servers = [ { name = a, address = "h:1" }, { name = b, address = "h:2" } ] }
                    y { servers = [ { name = c, address = "h:3" } ] }
                  }
                  default-backend = x
                }
                """;
        InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class,
                () -> ConfigLoader.parse(hocon, "d.conf"));

        assertThat(e.problems()).extracting(ConfigProblem::message).containsExactly(
                "d.conf:2: tether.listener-defaults.keep-alive-timeout = \"forever\" (expected a duration such as"
                        + " 500ms, 15s, 10m or 23h, above 0)",
                "d.conf:4: tether.backend-defaults.server-defaults.weight = \"heavy\" (expected an integer 0..256)");
    }

    @Test
    void includesResolveRelativeToTheFileAndProblemsNameTheIncludedFile(@TempDir Path dir) throws IOException {
        Path sub = Files.createDirectories(dir.resolve("parts"));
        Files.writeString(sub.resolve("backends.conf"), """
                tether.backends {
                  app {
                    servers = [
                      { name = node1, address = "127.0.0.1:8081" }
                      { name = node2, address = "127.0.0.1:8082", weight = -1 }
                    ]
                  }
                }
                """);
        Path main = dir.resolve("proxy.conf");
        Files.writeString(main, """
                include required("parts/backends.conf")
                tether.listeners = [ { name = http, port = 9090 } ]
                """);

        InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class, () -> ConfigLoader.load(main));
        assertThat(e.source()).isEqualTo(main.toString());
        assertThat(e.problems()).extracting(ConfigProblem::message).containsExactly(
                sub.resolve("backends.conf") + ":5: tether.backends.app.servers[1].weight = -1"
                        + " (expected an integer 0..256)");

        Files.writeString(sub.resolve("backends.conf"), """
                tether.backends.app.servers = [ { name = node1, address = "127.0.0.1:8081" } ]
                """);
        ProxyConfig c = ConfigLoader.load(main);
        assertThat(c.listeners()).extracting(ListenerConfig::port).containsExactly(9090);
        assertThat(c.routing().backend("app").servers()).containsExactly(ServerConfig.of("node1", "127.0.0.1", 8081));
    }

    @Test
    void frontDoorKeysBindPerListenerWithCertificatesRelativeToTheFile(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("fullchain.pem"), "x");
        Files.writeString(dir.resolve("privkey.pem"), "x");
        Path main = dir.resolve("proxy.conf");
        Files.writeString(main, """
                tether {
                  listener-defaults { trusted-proxies = ["10.0.0.0/8"] }
                  listeners = [
                    { name = http, port = 80, redirect-https = 301 }
                    { name = https, port = 443, tls { cert = "fullchain.pem", key = "privkey.pem" },
                      response-headers { set { "Strict-Transport-Security" = "max-age=63072000" } } }
                  ]
                  backends { app { servers = [ { name = a, address = "h:1" } ] } }
                }
                """);

        ProxyConfig c = ConfigLoader.load(main);

        ListenerConfig http = c.listeners().get(0);
        ListenerConfig https = c.listeners().get(1);
        assertThat(http.frontDoor().redirectStatus()).isEqualTo(301);
        assertThat(http.frontDoor().isTls()).isFalse();
        assertThat(https.frontDoor().tls().certChain()).isEqualTo(dir.resolve("fullchain.pem"));
        assertThat(https.frontDoor().responseHeaders().set()).hasSize(1);
        assertThat(c.listeners()).allSatisfy(l -> assertThat(l.frontDoor().trustedProxies().entries())
                .as("from listener-defaults").containsExactly("10.0.0.0/8"));
        assertThat(ConfigSummary.describe(c)).contains("redirects to https (301)", "body <= 50MiB, tls");
    }

    @Test
    void frontDoorProblemsAreReportedWithTheOthers() {
        InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class, () -> ConfigLoader.parse("""
                tether {
                  listeners = [
                    { name = http, port = 80, redirect-http = 301 }
                    { name = https, port = 443, tls { cert = "/nonexistent/fullchain.pem", key = "/nonexistent/k.pem" } }
                  ]
                  backends { app { servers = [ { name = a, address = "h:1", weight = 1000 } ] } }
                }
                """, "fd.conf"));

        assertThat(e.problems()).extracting(p -> p.location() + " " + p.path()).containsExactly(
                "fd.conf:3 tether.listeners[0].redirect-http",
                "fd.conf:4 tether.listeners[1].tls.cert",
                "fd.conf:4 tether.listeners[1].tls.key",
                "fd.conf:6 tether.backends.app.servers[0].weight");
        assertThat(e.problems().get(0).expected()).isEqualTo("unknown key; did you mean redirect-https?");
    }

    @Test
    void aMissingRequiredIncludeIsAProblem(@TempDir Path dir) throws IOException {
        Path main = dir.resolve("proxy.conf");
        Files.writeString(main, "include required(\"nowhere.conf\")\n");

        assertThatThrownBy(() -> ConfigLoader.load(main))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("nowhere.conf");
    }

    @Test
    void aMissingFileIsAProblem(@TempDir Path dir) {
        Path missing = dir.resolve("nope.conf");
        InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class,
                () -> ConfigLoader.load(missing));

        assertThat(e.problems()).extracting(ConfigProblem::message).containsExactly(missing + ": no such file");
    }

    @Test
    void substitutionsFromReferenceResolve() {
        ProxyConfig c = ConfigLoader.parse("""
                tether {
                  drain-timeout = ${tether.backend-defaults.timeouts.connect}
                  backends { app { servers = [ { name = a, address = "h:1" } ] } }
                }
                """, "s.conf");

        assertThat(c.drainTimeout()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void systemPropertiesAreNotConfiguration() {
        // -Dtether.access.log=... configures logging (docs/metrics.md); it must neither fail nor change the file.
        System.setProperty("tether.access.log", "stdout");
        System.setProperty("tether.drain-timeout", "banana");
        try {
            ProxyConfig c = ConfigLoader.parse(MINIMAL, "p.conf");
            assertThat(c.drainTimeout()).isEqualTo(Duration.ofSeconds(30));
        } finally {
            System.clearProperty("tether.access.log");
            System.clearProperty("tether.drain-timeout");
        }
    }

    @Test
    void withSeveralBackendsAndNoDefaultUnmatchedRequestsHaveNoBackend() {
        ProxyConfig c = ConfigLoader.parse("""
                tether {
                  routes = [ { name = b, path-prefix = "/b/", backend = b } ]
                  backends {
                    a { servers = [ { name = a1, address = "h:1" } ] }
                    b { servers = [ { name = b1, address = "h:2" } ] }
                  }
                }
                """, "n.conf");

        assertThat(c.routing().defaultBackend()).isNull();
        assertThat(c.routing().backends()).extracting(BackendConfig::name).as("file order").containsExactly("a", "b");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "200             | 200-200",
        "200-399         | 200-399",
        "200,204,300-399 | 200-200 204-204 300-399",
        "' 200 , 301 '   | 200-200 301-301",
    })
    void statusRangesParse(String text, String ranges) {
        assertThat(ConfigLoader.parseStatusRanges(text))
                .extracting(r -> r.from() + "-" + r.to())
                .containsExactly(ranges.split(" "));
    }

    @ParameterizedTest
    @CsvSource({"''", "2xx", "200-", "99", "600", "399-200", "'200,,300'", "200;300"})
    void malformedStatusRangesAreRejected(String text) {
        assertThat(ConfigLoader.parseStatusRanges(text)).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "127.0.0.1:8081    | 127.0.0.1     | 8081",
        "app1.internal:80  | app1.internal | 80",
        "[::1]:8081        | ::1           | 8081",
        "[fe80::1%eth0]:1  | fe80::1%eth0  | 1",
        "' host:65535 '    | host          | 65535",
    })
    void serverAddressesParse(String address, String host, int port) {
        assertThat(RoutingBinder.HostPort.parse(address)).isEqualTo(new RoutingBinder.HostPort(host, port));
    }

    @ParameterizedTest
    @CsvSource({"127.0.0.1", ":80", "host:", "host:0", "host:65536", "host:80x", "::1:80", "[::1]", "[::1]80",
        "a b:80", "http://host:80"})
    void malformedServerAddressesAreRejected(String address) {
        assertThat(RoutingBinder.HostPort.parse(address)).isNull();
    }

    @ParameterizedTest
    @CsvSource({"max-idel, max-idle", "wieght, weight", "Balance, balance", "retires, retries", "idle, "})
    void closestKeySuggestsLikelyTypos(String typo, String suggestion) {
        assertThat(ConfigSection.closest(typo, List.of("max-idle", "weight", "balance", "retries", "idle-timeout")))
                .isEqualTo(suggestion);
    }

    @Test
    void summaryDescribesListenersRoutesAndBackends() {
        ProxyConfig c = ConfigLoader.parse("""
                tether {
                  listeners = [ { name = http, address = "127.0.0.1", port = 8080 } ]
                  routes = [ { name = git, path-prefix = "/git/", backend = app, use-server = node1 } ]
                  backends {
                    app {
                      servers = [
                        { name = node1, address = "10.0.0.1:80" }
                        { name = node2, address = "10.0.0.2:80", backup = on, weight = 2 }
                      ]
                      cookie { name = srv, max-idle = 24h }
                      health-check { enabled = on }
                    }
                  }
                }
                """, "sum.conf");

        assertThat(ConfigSummary.describe(c)).isEqualTo("""
                listeners:
                  http  127.0.0.1:8080  client 1m, request head 10s, keep-alive 10s, body <= 50MiB
                admin: 127.0.0.1:8404  /metrics, /stats
                routes (first match wins):
                  git  path-prefix /git/  -> app, pinned to node1 (fallback when unavailable)
                  (no match)  -> app
                backends:
                  app  round-robin, retries 3, redispatch on, cookie srv (httponly, max-idle 24h)
                    timeouts connect 15s, server 10m, queue 1m, tunnel 23h; pool idle 30s, max 64 per thread
                    health HEAD /status expect 200, every 2s, timeout 2s, rise 2, fall 3; passive: 10 errors in a row fail a check
                    node1  10.0.0.1:80
                    node2  10.0.0.2:80  weight 2  backup
                """);
    }

    @Test
    void serverKeepAliveBindsPerBackendAndIsUnknownByDefault() {
        ProxyConfig c = ConfigLoader.parse("""
                tether {
                  backend-defaults { pool { server-keep-alive = 65s } }
                  default-backend = app
                  backends {
                    app { servers = [ { name = node1, address = "127.0.0.1:8081" } ] }
                    web { pool { server-keep-alive = 90s }, servers = [ { name = w1, address = "127.0.0.1:9001" } ] }
                  }
                }
                """, "ka.conf");

        assertThat(c.timeouts("app")).isEqualTo(BackendTimeouts.defaults().withServerKeepAlive(Duration.ofSeconds(65)));
        assertThat(c.timeouts("web").serverKeepAlive()).isEqualTo(Duration.ofSeconds(90));
        assertThat(ConfigLoader.parse(MINIMAL, "test.conf").timeouts("app").serverKeepAlive())
                .as("null in reference.conf: the servers' keep-alive is unknown").isNull();
        assertThat(BackendTimeouts.defaults().serverKeepAlive()).isNull();
        BackendTimeouts declared = BackendTimeouts.defaults().withServerKeepAlive(Duration.ofSeconds(65));
        assertThat(declared.withServer(Duration.ofMinutes(1)).withPoolIdle(Duration.ofSeconds(5)).serverKeepAlive())
                .as("with-methods carry it").isEqualTo(Duration.ofSeconds(65));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not declared          | 30s | null | 64 | ",
        "below, as for Overleaf | 30s | 65s  | 64 | ",
        "equal                 | 20s | 20s  | 64 | backend app: pool.idle-timeout = 20s is not below"
                + " pool.server-keep-alive = 20s: Tether may reuse a connection the server is closing; set"
                + " pool.idle-timeout below 20s",
        "above                 | 30s | 20s  | 64 | backend app: pool.idle-timeout = 30s is not below"
                + " pool.server-keep-alive = 20s: Tether may reuse a connection the server is closing; set"
                + " pool.idle-timeout below 20s",
        "above, in ms          | 5s  | 4500ms | 64 | backend app: pool.idle-timeout = 5s is not below"
                + " pool.server-keep-alive = 4500ms: Tether may reuse a connection the server is closing; set"
                + " pool.idle-timeout below 4500ms",
        "above, in minutes     | 2m  | 90s  | 64 | backend app: pool.idle-timeout = 2m is not below"
                + " pool.server-keep-alive = 90s: Tether may reuse a connection the server is closing; set"
                + " pool.idle-timeout below 90s",
        "above, but no reuse   | 30s | 20s  | 0  | ",
    })
    void idleTimeoutNotBelowTheServersKeepAliveIsAWarningNotAProblem(String what, String idle, String keepAlive,
            int maxIdle, String warning) {
        ProxyConfig c = ConfigLoader.parse("""
                tether {
                  backends {
                    app {
                      pool { idle-timeout = %s, server-keep-alive = %s, max-idle = %d }
                      servers = [ { name = node1, address = "127.0.0.1:8081" } ]
                    }
                  }
                }
                """.formatted(idle, keepAlive, maxIdle), "ka.conf");

        if (warning == null) {
            assertThat(ConfigLoader.warnings(c)).isEmpty();
        } else {
            assertThat(ConfigLoader.warnings(c)).containsExactly(warning);
        }
    }

    @Test
    void keepAliveWarningsComeOnePerBackendInFileOrder() {
        ProxyConfig c = ConfigLoader.parse("""
                tether {
                  backend-defaults { pool { server-keep-alive = 10s } }
                  default-backend = b
                  backends {
                    b { servers = [ { name = b1, address = "127.0.0.1:8081" } ] }
                    ok { pool { idle-timeout = 9s }, servers = [ { name = o1, address = "127.0.0.1:8082" } ] }
                    a { servers = [ { name = a1, address = "127.0.0.1:8083" } ] }
                  }
                }
                """, "ka.conf");

        assertThat(ConfigLoader.warnings(c)).extracting(w -> w.substring(0, w.indexOf(':')))
                .containsExactly("backend b", "backend a");
    }

    @ParameterizedTest
    @CsvSource({"0s", "x y", "-1s"})
    void aMalformedServerKeepAliveIsAProblem(String value) {
        InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class, () -> ConfigLoader.parse("""
                tether {
                  backends {
                    app {
                      pool { server-keep-alive = "%s" }
                      servers = [ { name = node1, address = "127.0.0.1:8081" } ]
                    }
                  }
                }
                """.formatted(value), "ka.conf"));

        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.location()).isEqualTo("ka.conf:4");
            assertThat(p.path()).isEqualTo("tether.backends.app.pool.server-keep-alive");
            assertThat(p.expected()).isEqualTo(ConfigSection.DURATION + ", above 0");
        });
    }

    @ParameterizedTest
    @CsvSource({"PT0S, 0s", "PT0.25S, 250ms", "PT1.5S, 1500ms", "PT65S, 65s", "PT90S, 90s", "PT10M, 10m",
        "PT90M, 90m", "PT23H, 23h", "PT48H, 48h"})
    void durationValuesAreOneNumberAndOneUnitAsHoconReadsThem(Duration d, String text) {
        assertThat(ConfigSummary.durationValue(d)).isEqualTo(text);
    }

    @ParameterizedTest
    @CsvSource({"PT0S, 0s", "PT0.25S, 250ms", "PT15S, 15s", "PT90M, 1h30m", "PT23H, 23h", "PT24H, 24h", "PT36H, 36h", "PT48H, 2d", "PT169H, 169h"})
    void durationsAreWrittenAsInConfigFiles(Duration d, String text) {
        assertThat(ConfigSummary.duration(d)).isEqualTo(text);
    }

    @Test
    void connectionCapsAndMinimumBodyRateBindPerListenerOverTheDefaults() {
        ProxyConfig c = ConfigLoader.parse("""
                tether {
                  max-connections = 10000
                  listener-defaults { max-connections = 2000, max-connections-per-client = 50, min-body-rate = 1KiB,
                                      min-body-rate-grace = 2s }
                  listeners = [
                    { name = http, port = 8080 }
                    { name = uploads, port = 8081, max-connections = 0, max-connections-per-client = 4,
                      min-body-rate = 500, min-body-rate-grace = 0s }
                  ]
                """ + BACKEND, "caps.conf");

        assertThat(c.maxConnections()).isEqualTo(10000);
        assertThat(c.listeners()).containsExactly(
                ListenerConfig.of("http", "0.0.0.0", 8080).withMaxConnections(2000, 50)
                        .withMinBodyRate(1024, Duration.ofSeconds(2)),
                ListenerConfig.of("uploads", "0.0.0.0", 8081).withMaxConnections(0, 4)
                        .withMinBodyRate(500, Duration.ZERO));
    }

    /** Each row: key (under listener-defaults unless it starts with tether.), the value written, what is expected. */
    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
        "tether.max-connections     | -1     | expected an integer >= 0",
        "tether.max-connections     | 1.5    | expected an integer >= 0",
        "tether.max-connections     | lots   | expected an integer >= 0",
        "max-connections            | -1     | expected an integer >= 0",
        "max-connections            | 3000000000 | expected an integer >= 0",
        "max-connections-per-client | -5     | expected an integer >= 0",
        "max-connections-per-client | many   | expected an integer >= 0",
        "min-body-rate              | -1     | expected a size such as 8192, 32KiB or 50MiB",
        "min-body-rate              | fast   | expected a size such as 8192, 32KiB or 50MiB",
        "min-body-rate-grace        | -1s    | expected a duration such as 500ms, 15s, 10m or 23h",
        "min-body-rate-grace        | soon   | expected a duration such as 500ms, 15s, 10m or 23h",
    })
    void badCapsAndBodyRatesAreLocatedProblems(String key, String value, String expected) {
        boolean top = key.startsWith("tether.");
        String line = top
                ? "  " + key.substring("tether.".length()) + " = \"" + value + "\"\n"
                : "  listener-defaults { " + key + " = \"" + value + "\" }\n";
        InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class,
                () -> ConfigLoader.parse("tether {\n" + line + BACKEND, "t.conf"));

        assertThat(e).isNotNull();
        assertThat(e.problems()).as("reported once, at the defaults, not again per listener").singleElement()
                .satisfies(p -> {
                    assertThat(p.location()).isEqualTo("t.conf:2");
                    assertThat(p.path()).isEqualTo(top ? key : "tether.listener-defaults." + key);
                    assertThat(p.value()).isEqualTo("\"" + value + "\"");
                    assertThat(p.expected()).isEqualTo(expected);
                });
    }

    @Test
    void recordsKeepTheNewSettingsThroughTheirWithMethodsAndOldConstructors() {
        ListenerConfig l = ListenerConfig.of("http", "127.0.0.1", 0).withMaxConnections(7, 2)
                .withMinBodyRate(100, Duration.ofSeconds(1));
        ListenerConfig changed = l.withClientTimeout(Duration.ofSeconds(3)).withHttpRequestTimeout(Duration.ofSeconds(4))
                .withKeepAliveTimeout(Duration.ofSeconds(5)).withMaxBodyBytes(10).withFrontDoor(l.frontDoor());
        assertThat(List.of(changed.maxConnections(), changed.maxConnectionsPerClient())).containsExactly(7, 2);
        assertThat(changed.minBodyRate()).isEqualTo(100);
        assertThat(changed.minBodyRateGrace()).isEqualTo(Duration.ofSeconds(1));
        assertThat(new ListenerConfig("x", "::1", 1, Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(1), 1, 1, 1).minBodyRateGrace()).isEqualTo(ListenerConfig.DEFAULT_MIN_BODY_RATE_GRACE);
        assertThatThrownBy(() -> l.withMaxConnections(-1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> l.withMinBodyRate(-1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);

        ProxyConfig c = ConfigLoader.parse(MINIMAL, "test.conf").withMaxConnections(42);
        assertThat(c.withAdmin(null).withShardPins(c.shardPins()).maxConnections()).isEqualTo(42);
        assertThat(new ProxyConfig(c.listeners(), c.routing(), c.timeouts(), c.health(), 0, Duration.ZERO, "x")
                .maxConnections()).isZero();
    }
}
