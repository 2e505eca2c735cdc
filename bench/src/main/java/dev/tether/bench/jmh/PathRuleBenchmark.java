package dev.tether.bench.jmh;

import dev.tether.routing.LoadSignal;
import dev.tether.routing.RouteDecision;
import dev.tether.routing.Router;
import dev.tether.routing.RoutingTable;
import dev.tether.routing.config.BackendConfig;
import dev.tether.routing.config.BalanceAlgorithm;
import dev.tether.routing.config.RouteConfig;
import dev.tether.routing.config.RouteMatch;
import dev.tether.routing.config.RoutingConfig;
import dev.tether.routing.config.ServerConfig;
import dev.tether.routing.config.UnavailablePolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What do ordered regex path rules cost? {@code rules} rules of the form {@code /api/vN/[a-z]+/rows/[0-9]+}, each
 * pinning a server; {@code last} requests match only the last rule (every regex runs), {@code first} match the
 * first. Rules are evaluated in order, so this cost grows with the rule count by design: it is why shard maps are
 * compiled to tables instead. Regexes are compiled once per table and a Matcher is reused per thread.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar PathRuleBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PathRuleBenchmark {

    @Param({"10", "100"})
    public int rules;

    private final Router router = new Router(LoadSignal.NONE);
    private RoutingTable table;
    private BenchRequest first;
    private BenchRequest last;

    @Setup
    public void setUp() {
        List<ServerConfig> servers = List.of(ServerConfig.of("s1", "127.0.0.1", 1), ServerConfig.of("s2", "127.0.0.1", 2));
        List<RouteConfig> routes = new ArrayList<>();
        for (int i = 0; i < rules; i++) {
            routes.add(new RouteConfig("r" + i, new RouteMatch(null, null, "/api/v" + i + "/[a-z]+/rows/[0-9]+", null,
                    null, null), "app", i % 2 == 0 ? "s1" : "s2", UnavailablePolicy.FALLBACK));
        }
        table = RoutingTable.compile(new RoutingConfig(routes,
                List.of(new BackendConfig("app", BalanceAlgorithm.ROUND_ROBIN, servers, null, 0, true)), null));
        first = BenchRequest.path("/api/v0/tables/rows/42");
        last = BenchRequest.path("/api/v" + (rules - 1) + "/tables/rows/42");
    }

    @Benchmark
    public RouteDecision first() {
        return router.route(first, table);
    }

    @Benchmark
    public RouteDecision last() {
        return router.route(last, table);
    }
}
