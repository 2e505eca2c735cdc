package dev.tether.bench.jmh;

import dev.tether.core.backend.InFlightCounters;
import dev.tether.core.log.ExchangeRecord;
import dev.tether.core.log.TerminationState;
import dev.tether.core.metrics.ProxyMetrics;
import dev.tether.routing.RoutingTable;
import dev.tether.routing.config.BackendConfig;
import dev.tether.routing.config.BalanceAlgorithm;
import dev.tether.routing.config.RoutingConfig;
import dev.tether.routing.config.ServerConfig;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What do request metrics cost per exchange? {@code exchangeFinished} is what every finished request does in
 * {@link ProxyMetrics} (the listener {@code -Dtether.metrics=off} leaves out): count it by backend, server, status
 * class and method, record the latency histograms (response, total, request read) and the body bytes, sample the
 * server's sessions. The inputs
 * are 1 024 precomputed records over two servers, mostly {@code GET 200} with some 404s, 503s and POSTs, latencies
 * from 0.2 to 40 ms, as {@code bench/run.sh}'s keepalive-small sends them. {@code record} is the allocation of the
 * {@link ExchangeRecord} itself, which every exchange makes whether metrics are on or not.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar ProxyMetricsBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ProxyMetricsBenchmark {

    private static final int MASK = 1023;

    private ProxyMetrics metrics;
    private ExchangeRecord[] records;
    private int next;

    @Setup
    public void setUp() {
        RoutingTable table = RoutingTable.compile(new RoutingConfig(List.of(), List.of(new BackendConfig("app",
                BalanceAlgorithm.ROUND_ROBIN, List.of(ServerConfig.of("s1", "127.0.0.1", 9001),
                        ServerConfig.of("s2", "127.0.0.1", 9002)), null, 3, true)), "app"));
        InFlightCounters inFlight = new InFlightCounters();
        metrics = new ProxyMetrics(() -> table); // as Tether builds it
        metrics.bindSessionReaders(id -> inFlight.counter(id)::get);
        // Names as the forwarding code passes them: the configuration's own strings, not copies.
        String backend = table.config().backends().get(0).name();
        String[] servers = {table.servers(backend).get(0).name(), table.servers(backend).get(1).name()};
        records = new ExchangeRecord[MASK + 1];
        for (int i = 0; i <= MASK; i++) {
            int status = i % 50 == 0 ? 503 : i % 20 == 0 ? 404 : 200;
            String method = i % 10 == 0 ? "POST" : "GET";
            long response = 200_000L + (i * 38_813L) % 40_000_000L;
            records[i] = record(backend, servers[i & 1], method, status, response);
        }
        for (ExchangeRecord r : records) {
            metrics.exchangeFinished(r); // every meter exists before measuring, as after a few seconds of traffic
        }
    }

    private static ExchangeRecord record(String backend, String server, String method, int status, long response) {
        return new ExchangeRecord("http", "127.0.0.1", 40000, 1_800_000_000_000L, method, "/small", backend, server,
                "BALANCED", "NONE", false, 1, status, method.equals("POST") ? 512 : 0, 100, 15_000, -1, 20_000,
                response, response + 30_000, TerminationState.NORMAL, false);
    }

    @Benchmark
    public void exchangeFinished() {
        metrics.exchangeFinished(records[next++ & MASK]);
    }

    @Benchmark
    public ExchangeRecord record() {
        ExchangeRecord r = records[next++ & MASK];
        return record(r.backend(), r.server(), r.method(), r.status(), r.responseNanos());
    }
}
