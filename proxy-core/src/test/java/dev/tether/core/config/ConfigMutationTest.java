package dev.tether.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Binding reads values that may be anything, and must answer every mistake with {@link InvalidConfigException},
 * never with a NullPointerException or a record's IllegalArgumentException. This test takes a valid file that
 * uses every key, and for every node of it (objects, lists, list entries, leaves) tries each wrong value and
 * the removal of the key.
 */
class ConfigMutationTest {

    private static final String FULL = """
            tether {
              event-loop-threads = 2
              drain-timeout = 5s
              max-connections = 1000
              admin { port = 9404, allowed-cidrs = ["10.0.0.0/8"], user = ops, password = pw }
              listener-defaults { address = "127.0.0.1", client-timeout = 2m, max-connections = 500,
                                  max-connections-per-client = 20, min-body-rate = 1KiB, min-body-rate-grace = 2s }
              listeners = [
                { name = http, port = 8080, max-body-size = 1MiB, max-header-size = 16KiB, max-uri-length = 2048 }
                { name = admin, port = 8081, http-request-timeout = 3s, keep-alive-timeout = 500ms }
              ]
              default-backend = web
              routes = [
                { name = git, path-prefix = "/git/", backend = web, use-server = w1, on-unavailable = refuse }
                { name = api, path-regex = "/api/.*", host = api.example.com, path-exact = "/api/x", backend = api }
                { name = canary, header { name = X-Canary, value = "1" }, backend = api }
                { name = shards, path-prefix = "/dtables/", backend = web,
                  uuid-map { pattern = "/dtables/([0-9a-f-]+)", ranges { "0-7" = w1, "8-f" = w2 },
                             overrides { "ff84e1a1-66e2" = w1 }, on-unavailable = fallback } }
                { name = tenants, path-prefix = "/t/", backend = web,
                  hash { key = "header:X-Tenant", on-unavailable = refuse } }
              ]
              backend-defaults {
                retries = 1
                timeouts { connect = 5s }
                server-defaults { max-conn = 10 }
                cookie-defaults { secure = on }
              }
              backends {
                web {
                  balance = least-connections
                  redispatch = off
                  server-defaults { weight = 10 }
                  servers = [
                    { name = w1, address = "10.0.0.1:80", cookie = w-one }
                    { name = w2, address = "[::1]:8082", weight = 0, max-conn = 100, backup = on }
                  ]
                  cookie { name = srv, indirect = on, nocache = on, httponly = off, domain = example.com,
                           max-idle = 24h, max-life = 7d, key = "0123456789abcdef" }
                  timeouts { server = 1h, queue = 0s, tunnel = 1h }
                  pool { idle-timeout = 5s, max-idle = 8, server-keep-alive = 1m }
                  health-check { enabled = on, method = GET, path = "/health", host = app.local, expect = "200-399",
                                 interval = 5s, fast-interval = 500ms, down-interval = 10s, timeout = 1s,
                                 rise = 1, fall = 2, slow-start = 10s }
                  passive-health { enabled = on, error-limit = 3, count-5xx = on, on-error = mark-down }
                }
                api { servers = [ { name = a1, address = "127.0.0.1:9001" } ] }
              }
            }
            """;

    private static final Object REMOVE = new Object();

    /** One of each kind of mistake: missing, null, text, negative, zero, fraction, too large, list, object. */
    private static final List<Object> WRONG = Arrays.asList(
            REMOVE, null, "x y", -1, 0, 1.5, "99999999999GiB", List.of(1), Map.of("x", 1));

    /** Objects and lists: their leaves get the full list, so here only the shapes that replace them. */
    private static final List<Object> CONTAINER_WRONG = Arrays.asList(REMOVE, null, "x y", 1.5);

    @Test
    void theFullFileIsValid() {
        assertThat(ConfigLoader.parse(FULL, "full.conf").routing().backends()).hasSize(2);
    }

    @Test
    void everyWrongValueAnywhereIsAProblemOrAccepted() {
        Map<String, Object> tree = ConfigFactory.parseString(FULL).root().unwrapped();
        List<List<Object>> paths = new ArrayList<>();
        collectPaths(tree, new ArrayList<>(), paths);
        assertThat(paths).hasSizeGreaterThan(80);

        int rejected = 0;
        for (List<Object> path : paths) {
            boolean container = get(tree, path) instanceof Map || get(tree, path) instanceof List;
            for (Object wrong : container ? CONTAINER_WRONG : WRONG) {
                String hocon = ConfigValueFactory.fromAnyRef(replace(tree, path, 0, wrong))
                        .render(ConfigRenderOptions.concise());
                try {
                    ConfigLoader.parse(hocon, "m.conf");
                } catch (InvalidConfigException e) {
                    rejected++;
                    assertThat(e.problems()).as("%s = %s", path, wrong).isNotEmpty().allSatisfy(p -> {
                        assertThat(p.location()).startsWith("m.conf:");
                        assertThat(p.expected()).isNotBlank();
                    });
                } catch (RuntimeException e) {
                    throw new AssertionError("setting " + path + " to " + (wrong == REMOVE ? "(removed)" : wrong)
                            + " threw " + e + " instead of InvalidConfigException\n" + hocon, e);
                }
            }
        }
        assertThat(rejected).as("most wrong values are rejected").isGreaterThan(paths.size() * 3);
    }

    private static Object get(Object node, List<Object> path) {
        for (Object step : path) {
            node = step instanceof Integer i ? ((List<?>) node).get(i) : ((Map<?, ?>) node).get(step);
        }
        return node;
    }

    private static void collectPaths(Object node, List<Object> path, List<List<Object>> out) {
        if (!path.isEmpty()) {
            out.add(List.copyOf(path));
        }
        if (node instanceof Map<?, ?> map) {
            for (Object key : map.keySet()) {
                path.add(key);
                collectPaths(map.get(key), path, out);
                path.remove(path.size() - 1);
            }
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                path.add(i);
                collectPaths(list.get(i), path, out);
                path.remove(path.size() - 1);
            }
        }
    }

    /** A deep copy of {@code node} with the value at {@code path} replaced (or removed). */
    private static Object replace(Object node, List<Object> path, int depth, Object value) {
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = (String) e.getKey();
                if (key.equals(path.get(depth))) {
                    if (depth == path.size() - 1) {
                        if (value != REMOVE) {
                            copy.put(key, value);
                        }
                    } else {
                        copy.put(key, replace(e.getValue(), path, depth + 1, value));
                    }
                } else {
                    copy.put(key, e.getValue());
                }
            }
            return copy;
        }
        List<?> list = (List<?>) node;
        List<Object> copy = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (path.get(depth).equals(i)) {
                if (depth == path.size() - 1) {
                    if (value != REMOVE) {
                        copy.add(value);
                    }
                } else {
                    copy.add(replace(list.get(i), path, depth + 1, value));
                }
            } else {
                copy.add(list.get(i));
            }
        }
        return copy;
    }

}
