package dev.tether.core.metrics;

import static dev.tether.core.log.Exchanges.exchange;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.log.TerminationState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** docs/metrics.md, the Grafana dashboard and the alert rules name only metrics that exist, and docs name them all. */
class MetricsDocsTest {

    private static final Pattern NAME = Pattern.compile("\\btether_[a-z0-9_]+");
    private static final Pattern SUFFIX = Pattern.compile("_(bucket|count|sum|max)$");

    /** Every family ProxyMetrics exports, after every kind of event. */
    private static Set<String> exported() {
        ProxyMetrics metrics = new ProxyMetrics(Tables::apiAndWeb);
        metrics.exchangeFinished(exchange().termination(TerminationState.SERVER_CONNECT).reason("STICKY_COOKIE")
                .build());
        metrics.clientConnectionOpened("main");
        metrics.serverConnectionOpened("api/s1");
        metrics.retried("api/s1", "CONNECT_REFUSED", true);
        metrics.tunnelOpened("api");
        metrics.tunnelClosed("api", 1, 1);
        metrics.queued("api");
        metrics.dequeued("api", 1);
        metrics.healthCheck("api/s1", true);
        metrics.tlsHandshake("main", true);
        Set<String> names = new TreeSet<>();
        for (String line : metrics.scrape().split("\n")) {
            if (!line.startsWith("#")) {
                names.add(family(line.split("[{ ]", 2)[0]));
            }
        }
        return names;
    }

    private static String family(String sample) {
        return SUFFIX.matcher(sample).replaceAll("");
    }

    private static Set<String> mentioned(Path file) throws IOException {
        Set<String> names = new TreeSet<>();
        Matcher m = NAME.matcher(Files.readString(file));
        while (m.find()) {
            names.add(family(m.group()));
        }
        return names;
    }

    /** The repository root: surefire runs in the module directory. */
    private static Path root() {
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("docs")) ? here : here.getParent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"docs/metrics.md", "conf/grafana-dashboard.json", "conf/prometheus-alerts.yml"})
    void namesOnlyExportedMetrics(String file) throws IOException {
        Set<String> mentioned = mentioned(root().resolve(file));

        assertThat(mentioned).isNotEmpty();
        assertThat(exported()).containsAll(mentioned);
    }

    @Test
    void docsListEveryExportedMetric() throws IOException {
        assertThat(mentioned(root().resolve("docs/metrics.md"))).containsAll(exported());
    }
}
