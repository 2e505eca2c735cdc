package dev.tether.bench.jmh;

import dev.tether.core.backend.InFlightCounters;
import dev.tether.routing.LoadSignal;
import dev.tether.routing.RouteDecision;
import dev.tether.routing.Router;
import dev.tether.routing.RoutingTable;
import dev.tether.routing.balance.LoadBalancer;
import dev.tether.routing.balance.LoadBalancers;
import dev.tether.routing.config.BackendConfig;
import dev.tether.routing.config.BalanceAlgorithm;
import dev.tether.routing.config.RoutingConfig;
import dev.tether.routing.config.ServerConfig;
import dev.tether.routing.model.Server;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
 * What does a balancer pick cost over 3 and 100 servers? {@code pick} calls the balancer alone; {@code route} is a
 * whole decision for a request without cookie on a backend without cookie. The load signal is proxy-core's
 * {@code InFlightCounters} with the table reserved (as {@code ProxyServer} does), so balancers read a run of its
 * count array ({@link LoadSignal#slot}), with uneven fixed loads (with or without idle servers, see {@link #loads}).
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar LoadBalancerBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LoadBalancerBenchmark {

    @Param({"ROUND_ROBIN", "LEAST_CONNECTIONS", "POWER_OF_TWO"})
    public BalanceAlgorithm algorithm;

    @Param({"3", "100"})
    public int servers;

    /**
     * {@code mixed}: in-flight counts {@code i * 7 % 13}, so about one server in 13 is idle (least-connections stops
     * at the first idle server it meets); {@code busy}: {@code 1 + i * 7 % 13}, nobody idle, every pick scans all.
     */
    @Param({"mixed", "busy"})
    public String loads;

    private LoadBalancer balancer;
    private LoadSignal load;
    private Router router;
    private RoutingTable table;
    private BenchRequest request;

    @Setup
    public void setUp() {
        List<ServerConfig> configs = new ArrayList<>();
        for (int i = 0; i < servers; i++) {
            configs.add(new ServerConfig("node" + i, "127.0.0.1", 8000 + i, 1 + i % 3, false, 0));
        }
        table = RoutingTable.compile(new RoutingConfig(List.of(),
                List.of(new BackendConfig("app", algorithm, configs, null, 0, true)), "app"));
        // As proxy-core's InFlightCounters after reserve(table): counts in one int[], a backend's servers adjacent.
        InFlightCounters counts = new InFlightCounters();
        counts.reserve(table);
        for (int i = 0; i < servers; i++) {
            counts.counter("app/node" + i).set((loads.equals("busy") ? 1 : 0) + i * 7 % 13);
        }
        load = counts;
        balancer = LoadBalancers.create(algorithm, table.servers("app"));
        router = new Router(load);
        request = BenchRequest.path("/index.html");
    }

    @Benchmark
    public Server pick() {
        return balancer.pick(load, Set.of());
    }

    @Benchmark
    public RouteDecision route() {
        return router.route(request, table);
    }
}
