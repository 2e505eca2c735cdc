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
import dev.tether.routing.config.UuidMapConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
 * Does a UUID shard decision stay flat as the map grows? The map has two ranges and {@code rules - 2} overrides of
 * 4 to 12 hex digits; half of the requests hit an override, half fall through to a range. The path is SeaTable's
 * {@code /dtable-server/api/v1/dtables/<uuid>/rows/}; the decision includes finding the UUID, and the backend has
 * no cookie (the cookie cost is {@link RouterBenchmark}'s question).
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar UuidMapBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class UuidMapBenchmark {

    private static final int MASK = 1023;
    private static final String HEX = "0123456789abcdef";

    @Param({"10", "1000", "100000"})
    public int rules;

    private final Router router = new Router(LoadSignal.NONE);
    private RoutingTable table;
    private BenchRequest[] requests;
    private int next;

    @Setup
    public void setUp() {
        Random random = new Random(7);
        List<ServerConfig> servers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            servers.add(ServerConfig.of("dtable" + i, "127.0.0.1", 5000 + i));
        }
        Map<String, String> overrides = new HashMap<>();
        List<String> prefixes = new ArrayList<>();
        while (overrides.size() < rules - 2) {
            String prefix = hex(random, 4 + random.nextInt(9));
            if (overrides.putIfAbsent(prefix, "dtable" + random.nextInt(8)) == null) {
                prefixes.add(prefix);
            }
        }
        UuidMapConfig map = new UuidMapConfig(null, Map.of("0-7", "dtable0", "8-f", "dtable1"), overrides, null, null);
        table = RoutingTable.compile(new RoutingConfig(
                List.of(RouteConfig.uuidMap("bases", RouteMatch.pathPrefix("/dtable-server/"), "dtables", map)),
                List.of(new BackendConfig("dtables", BalanceAlgorithm.ROUND_ROBIN, servers, null, 0, false)), null));
        requests = new BenchRequest[MASK + 1];
        for (int i = 0; i <= MASK; i++) {
            String digits = i % 2 == 0 ? hex(random, 32) : prefixes.get(random.nextInt(prefixes.size()));
            digits = digits + hex(random, 32 - digits.length());
            String uuid = digits.substring(0, 8) + '-' + digits.substring(8, 12) + '-' + digits.substring(12, 16) + '-'
                    + digits.substring(16, 20) + '-' + digits.substring(20);
            requests[i] = BenchRequest.path("/dtable-server/api/v1/dtables/" + uuid + "/rows/");
        }
    }

    private static String hex(Random random, int digits) {
        StringBuilder s = new StringBuilder(digits);
        for (int i = 0; i < digits; i++) {
            s.append(HEX.charAt(random.nextInt(16)));
        }
        return s.toString();
    }

    @Benchmark
    public RouteDecision route() {
        return router.route(requests[next++ & MASK], table);
    }
}
