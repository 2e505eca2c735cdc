package dev.tether.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What {@code tether --check} says about routes that pin by uuid-map or hash, and about the pool. */
class ConfigSummaryTest {

    private static final String BACKENDS = """
              backends {
                dtable {
                  servers = [
                    { name = d1, address = "127.0.0.1:5001" }
                    { name = d2, address = "127.0.0.1:5002" }
                    { name = d3, address = "127.0.0.1:5003" }
                  ]
                }
              }
            }
            """;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "ranges only, refuse by default | uuid-map { ranges { \"0-7\" = d1, \"8-f\" = d2 } }"
                + " | uuid-map (2 ranges, 0 overrides, 503 when unavailable)",
        "one of each, fallback | uuid-map { ranges { \"0\" = d1 }, overrides { \"ff84e1a1-66e2\" = d2 },"
                + " default-server = d3, on-unavailable = fallback }"
                + " | uuid-map (1 range, 1 override, default-server d3, fallback when unavailable)",
        "own pattern | uuid-map { pattern = \"/b/([0-9a-f-]+)\", ranges { \"0-f\" = d1 },"
                + " overrides { \"ab\" = d2, \"cd\" = d3 } }"
                + " | uuid-map (pattern /b/([0-9a-f-]+), 1 range, 2 overrides, 503 when unavailable)",
        "hash on a header | hash { key = \"header:X-Tenant\" }"
                + " | hash on header:X-Tenant (next server on the ring when unavailable)",
        "hash that refuses | hash { key = uuid, on-unavailable = refuse } | hash on uuid (503 when unavailable)",
    })
    void pinnedRoutesSayHowTheyPin(String what, String pin, String said) {
        ProxyConfig c = ConfigLoader.parse("""
                tether {
                  routes = [ { name = r, path-prefix = "/b/", backend = dtable, %s } ]
                """.formatted(pin) + BACKENDS, "sum.conf");

        assertThat(ConfigSummary.describe(c).lines()).contains(
                "routes (first match wins):",
                "  r  path-prefix /b/  -> dtable, " + said,
                "  (no match)  -> dtable");
    }

    @Test
    void routesAreListedInOrderEachWithItsPin() {
        ProxyConfig c = ConfigLoader.parse("""
                tether {
                  routes = [
                    { name = git, path-prefix = "/git/", backend = dtable, use-server = d1, on-unavailable = refuse }
                    { name = shards, path-prefix = "/dtables/", backend = dtable,
                      uuid-map { ranges { "0-9" = d1, "a-f" = d2 }, overrides { "ff84e1a1-66e2" = d3 } } }
                    { name = tenants, header { name = X-Tenant }, backend = dtable, hash { key = "cookie:tenant" } }
                    { name = rest, backend = dtable }
                  ]
                """ + BACKENDS, "sum.conf");

        String summary = ConfigSummary.describe(c);

        assertThat(summary.substring(summary.indexOf("routes"), summary.indexOf("backends:"))).isEqualTo("""
                routes (first match wins):
                  git  path-prefix /git/  -> dtable, pinned to d1 (503 when unavailable)
                  shards  path-prefix /dtables/  -> dtable, uuid-map (2 ranges, 1 override, 503 when unavailable)
                  tenants  header X-Tenant  -> dtable, hash on cookie:tenant (next server on the ring when unavailable)
                  rest  any request  -> dtable
                  (no match)  -> dtable
                """);
    }

    @Test
    void aDeclaredServerKeepAliveIsShownNextToThePoolIdleTimeout() {
        ProxyConfig c = ConfigLoader.parse("""
                tether {
                  backend-defaults { pool { server-keep-alive = 65s } }
                """ + BACKENDS, "sum.conf");

        assertThat(ConfigSummary.describe(c))
                .contains("    timeouts connect 15s, server 10m, queue 1m, tunnel 23h;"
                        + " pool idle 30s (servers keep alive 65s), max 64 per thread\n");
        assertThat(ConfigSummary.describe(ConfigLoader.parse("tether {\n" + BACKENDS, "sum.conf")))
                .contains("; pool idle 30s, max 64 per thread\n");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "insert         | cookie { name = srv }                               | cookie srv (httponly)",
        "prefix         | cookie { name = JSESSIONID, mode = prefix, nocache = on } | cookie JSESSIONID (prefix, nocache)",
        "rewrite        | cookie { name = SERVERID, mode = rewrite }          | cookie SERVERID (rewrite)",
    })
    void theCookieModeIsShownUnlessItIsInsert(String what, String cookie, String said) {
        ProxyConfig c = ConfigLoader.parse("""
                tether {
                  backends { app { %s, servers = [ { name = a, address = "127.0.0.1:5001" } ] } }
                }
                """.formatted(cookie), "sum.conf");
        assertThat(ConfigSummary.describe(c)).contains(", " + said + "\n");
    }
}
