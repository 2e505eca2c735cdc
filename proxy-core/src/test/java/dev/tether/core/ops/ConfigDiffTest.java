package dev.tether.core.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.config.ConfigLoader;
import dev.tether.core.config.ProxyConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one-line diff a reload logs, and which backends get a new health checker. */
class ConfigDiffTest {

    private static ProxyConfig conf(String appServers, String appExtra, String more) {
        return ConfigLoader.parse("""
                tether {
                  listeners = [ { name = http, address = "127.0.0.1", port = 0 } ]
                  admin { enabled = off }
                  backends {
                    app { servers = [ %s ], %s }
                    other { servers = [ { name = o1, address = "127.0.0.1:7001" } ] }
                    %s
                  }
                }
                """.formatted(appServers, appExtra, more), "test.conf");
    }

    private static final String S1 = "{ name = s1, address = \"127.0.0.1:8001\" }";
    private static final String S2 = "{ name = s2, address = \"127.0.0.1:8002\" }";
    private static final String S2_HEAVY = "{ name = s2, address = \"127.0.0.1:8002\", weight = 5 }";
    private static final String NEW = "new { servers = [ { name = n1, address = \"127.0.0.1:7002\" } ] }";

    @ParameterizedTest(name = "{4}")
    @CsvSource(delimiter = '|', textBlock = """
            S1,S2 |           | S1,S2       |                   | no change                                 | -
            S1,S2 |           | S1          |                   | servers -app/s2                           | app
            S1    |           | S1,S2       |                   | servers +app/s2                           | app
            S1,S2 |           | S1,S2_HEAVY |                   | servers ~app/s2                           | app
            S1,S2 |           | S1,S2       | balance = first   | backends ~app                             | app
            S1,S2 |           | S1,S2       | NEW               | backends +new; servers +new/n1            | new
            S1,S2 | NEW       | S1,S2       |                   | backends -new; servers -new/n1            | -
            S1    | retries=1 | S1,S2       | retries=2         | backends ~app; servers +app/s2            | app
            S1    |           | S1          | PINS              | shard-pins changed                        | -
            S1    |           | S1          | stick-table.on = source | backends ~app                       | app
            """)
    void summarises(String before, String beforeExtra, String after, String afterExtra, String summary,
            String rechecked) {
        ConfigDiff diff = ConfigDiff.between(build(before, beforeExtra), build(after, afterExtra));

        assertThat(diff.summary()).isEqualTo(summary);
        assertThat(diff.isEmpty()).isEqualTo(summary.equals("no change"));
        for (String backend : new String[] {"app", "other", "new"}) {
            assertThat(diff.recheck(backend)).as(backend).isEqualTo(backend.equals(rechecked));
        }
    }

    private static ProxyConfig build(String servers, String extra) {
        String list = servers.replace("S2_HEAVY", S2_HEAVY).replace("S1", S1).replace("S2,", S2 + ",")
                .replaceAll("S2$", S2);
        boolean more = "NEW".equals(extra);
        if ("PINS".equals(extra)) {
            return conf(list, "", "").withShardPins(new ShardPinsConfig(java.time.Duration.ofHours(1), 10));
        }
        return conf(list, extra == null || more ? "" : extra, more ? NEW : "");
    }
}
