package dev.tether.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResultTableTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "3,1,2       | 2.0 | 2.0 | 1.0",
        "4,1,3,2     | 2.5 | 3.0 | 1.2",
        "5           | 5.0 | 0.0 | 0.0",
    })
    void medianAndSpread(String values, double median, double range, double spread) {
        List<Double> list = new ArrayList<>();
        for (String v : values.split(",")) {
            list.add(Double.parseDouble(v));
        }
        Sample s = Sample.of(list);
        assertThat(s.median()).isEqualTo(median);
        assertThat(s.max() - s.min()).isEqualTo(range);
        assertThat(s.spread()).isCloseTo(spread, within(1e-9));
    }

    @Test
    void nanValuesAreLeftOut() {
        assertThat(Sample.of(List.of(Double.NaN, 4.0)).median()).isEqualTo(4.0);
        assertThat(Sample.of(List.of(Double.NaN)).count()).isZero();
    }

    private static Measurement m(String scenario, Contestant c, int run, long requests, double p99Micros,
            double cpuSeconds) {
        RunResult r = new RunResult(requests, 10, 0, 500, p99Micros, p99Micros * 2, -1);
        return new Measurement(scenario, c, run, r, c.isProxy() ? cpuSeconds : Double.NaN, 10);
    }

    @Test
    void ratiosCompareMediansToHaproxyInTheSameScenario() {
        List<Measurement> ms = List.of(
                m("keepalive-small", Contestant.HAPROXY, 1, 500_000, 1000, 10),
                m("keepalive-small", Contestant.HAPROXY, 2, 600_000, 1200, 10),
                m("keepalive-small", Contestant.HAPROXY, 3, 550_000, 1100, 10),
                m("keepalive-small", Contestant.TETHER, 1, 440_000, 1650, 10),
                m("keepalive-small", Contestant.TETHER, 2, 440_000, 1650, 10),
                m("keepalive-small", Contestant.TETHER, 3, 440_000, 1650, 10),
                m("keepalive-small", Contestant.DIRECT, 1, 900_000, 400, 0));

        List<ResultTable.Row> rows = ResultTable.rows(ms);
        assertThat(rows).extracting(ResultTable.Row::contestant)
                .containsExactly(Contestant.DIRECT, Contestant.TETHER, Contestant.HAPROXY);
        ResultTable.Row haproxy = rows.get(2);
        assertThat(haproxy.requestsPerSecond().median()).isEqualTo(55_000.0);
        assertThat(haproxy.requestsPerSecond().spread()).isCloseTo(10_000.0 / 55_000, within(1e-9));
        assertThat(haproxy.requestsPerCpuSecond().median()).isEqualTo(55_000.0);
        assertThat(haproxy.cpuUtilisation()).isEqualTo(1.0);
        assertThat(rows.get(0).requestsPerCpuSecond().count()).isZero();

        String table = ResultTable.render(ms);
        List<String> lines = table.lines().toList();
        assertThat(lines.get(0)).isEqualTo(ResultTable.HEADER);
        assertThat(lines).hasSize(5);
        // tether: 44,000 req/CPU-s = 0.80 × HAProxy's 55,000; p99 1.65 ms = 1.50 × 1.10 ms
        assertThat(lines.get(3)).isEqualTo("| keepalive-small | tether | 3 | 44,000 | 0.0% | 0.50 | 1.65 | 3.30 | 0"
                + " | 100% | 44,000 | 0.0% | 0.80 | 0.80 | 1.50 | – |");
        assertThat(lines.get(2)).startsWith("| keepalive-small | direct | 1 | 90,000 | 0.0% |")
                .endsWith("| – | – | 1.64 | – | 0.36 | – |");
        assertThat(lines.get(4)).contains("| 1.00 | 1.00 | 1.00 |");
    }

    @Test
    void targetsOfIssue8AreJudgedOnMedians() {
        List<Measurement> ms = List.of(
                m("keepalive-small", Contestant.HAPROXY, 1, 550_000, 1000, 10),
                m("keepalive-small", Contestant.TETHER, 1, 440_000, 5000, 10),
                m("fixed-rate-sticky", Contestant.HAPROXY, 1, 20_000, 1000, 1),
                m("fixed-rate-sticky", Contestant.TETHER, 1, 20_000, 1600, 1));

        assertThat(ResultTable.targets(ms)).containsExactly(
                "keepalive-small: Tether req per proxy CPU-s = 0.80 × HAProxy (target ≥ 0.8): met",
                "fixed-rate-sticky: Tether p99 = 1.60 × HAProxy (target ≤ 1.5): MISSED");
        assertThat(ResultTable.targets(ms.subList(0, 1))).isEmpty();
    }

    @Test
    void withoutHaproxyRatiosAreDashes() {
        String table = ResultTable.render(List.of(m("close-small", Contestant.TETHER, 1, 1000, 100, 1)));
        assertThat(table.lines().toList().get(2)).endsWith("| – | – | – | – |");
    }

    @Test
    void reportReadsRunDirectoriesAndNotesTheUnreadable(@TempDir Path dir) throws Exception {
        String stat = "10 (haproxy) S 1 10 10 0 -1 0 0 0 0 0 %d 0 0 0 20 0 1 0 1 2 3\n";
        writeRun(dir, "keepalive-small.haproxy.01", "haproxy", String.format(stat, 100), String.format(stat, 300),
                "BENCH requests=20000 duration_us=2000000 errors_connect=0 p50_us=100 p99_us=900 p999_us=1000");
        writeRun(dir, "keepalive-small.tether.01", "tether", String.format(stat, 0), String.format(stat, 100),
                "BENCH requests=8000 duration_us=2000000 errors_connect=1 p50_us=100 p99_us=1800 p999_us=2000");
        writeRun(dir, "keepalive-small.nginx.01", "nginx", "", "", "unable to connect to 127.0.0.1:1\n");
        ByteArrayOutputStream problems = new ByteArrayOutputStream();

        String report = Main.report(dir, 100, new PrintStream(problems, true, StandardCharsets.UTF_8));

        assertThat(report).contains("| keepalive-small | tether | 1 | 4,000 | 0.0% | 0.10 | 1.80 | 2.00 | 1 | 50% | 8,000"
                + " | 0.0% | 0.40 | 0.80 | 2.00 | – |");
        assertThat(report).contains("| keepalive-small | haproxy | 1 | 10,000 |");
        assertThat(report).contains("- run keepalive-small.nginx.01 unreadable: neither a BENCH line");
        assertThat(problems.toString(StandardCharsets.UTF_8)).contains("keepalive-small.nginx.01");
    }

    private static void writeRun(Path dir, String name, String contestant, String before, String after, String out)
            throws Exception {
        Path run = Files.createDirectories(dir.resolve("runs").resolve(name));
        Files.writeString(run.resolve("meta"), "scenario=keepalive-small\ncontestant=" + contestant
                + "\nrun=1\nwall_ns=2000000000\n");
        Files.writeString(run.resolve("cpu.before"), before);
        Files.writeString(run.resolve("cpu.after"), after);
        Files.writeString(run.resolve("out"), out);
    }
}
