package dev.tether.bench.jmh;

import dev.tether.routing.LoadSignal;
import dev.tether.routing.RouteDecision;
import dev.tether.routing.Router;
import dev.tether.routing.RoutingTable;
import dev.tether.routing.config.BackendConfig;
import dev.tether.routing.config.BalanceAlgorithm;
import dev.tether.routing.config.RoutingConfig;
import dev.tether.routing.config.ServerConfig;
import dev.tether.routing.config.StickyCookieConfig;
import dev.tether.routing.sticky.StickyCookies;
import java.time.Duration;
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
 * What does one cookie-sticky routing decision cost? {@code sticky} follows a valid cookie (the common request of a
 * session); {@code newSession} has no cookie, so the balancer picks and a {@code Set-Cookie} value is built (that
 * one allocates by nature). {@code cookie = plain} is an unsigned undated cookie; {@code signed} adds max-idle dates
 * and a SipHash tag, so every request also verifies a MAC. {@code prefix} is prefix mode ({@code ID~} before the
 * server's own session id): the id is read in place, and neither decision builds a {@code Set-Cookie}.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar RouterBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RouterBenchmark {

    private static final int MASK = 1023;

    @Param({"plain", "signed", "prefix"})
    public String cookie;

    private final Router router = new Router(LoadSignal.NONE, () -> 1_800_000_000_000L);
    private RoutingTable table;
    private BenchRequest[] sticky;
    private BenchRequest fresh;
    private int next;

    @Setup
    public void setUp() {
        StickyCookieConfig cfg = switch (cookie) {
            case "plain" -> StickyCookieConfig.insert("srv");
            case "prefix" -> StickyCookieConfig.prefix("srv");
            default -> new StickyCookieConfig("srv", true, true, true, true, null, Duration.ofHours(24),
                    Duration.ZERO, "benchmark-key-0123456789");
        };
        List<ServerConfig> servers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            servers.add(ServerConfig.of("node" + i, "127.0.0.1", 8080 + i));
        }
        table = RoutingTable.compile(new RoutingConfig(List.of(),
                List.of(new BackendConfig("app", BalanceAlgorithm.ROUND_ROBIN, servers, cfg, 3, true)), "app"));
        StickyCookies cookies = table.cookies("app");
        long now = 1_800_000_000L;
        sticky = new BenchRequest[MASK + 1];
        for (int i = 0; i <= MASK; i++) {
            String value = cookies.value(i % 10, now - 60, now - 60);
            if (cookie.equals("prefix")) {
                value += "~node" + i + "-5F0B2A1C9E3D4B6A8C7E";  // the server's own session id after ours
            }
            sticky[i] = new BenchRequest("/dashboard/" + i, "cloud.example.com", "srv", value);
        }
        fresh = BenchRequest.path("/index.html");
    }

    @Benchmark
    public RouteDecision sticky() {
        return router.route(sticky[next++ & MASK], table);
    }

    @Benchmark
    public RouteDecision newSession() {
        return router.route(fresh, table);
    }
}
