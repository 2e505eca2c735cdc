package dev.tether.bench.jmh;

import dev.tether.routing.config.BalanceAlgorithm;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A cross-check of {@link RouterBenchmark} and {@link LoadBalancerBenchmark} on a busy machine: the same inputs and
 * methods, timed by the thread's CPU time instead of the wall clock, so time the thread spends preempted by other
 * processes does not count. JMH's figures on this shared 2-core VM swing 2-5x with the team's builds; these barely
 * move (cache pollution by the other processes still counts). Not a replacement for JMH (no forks, no blackhole,
 * a volatile sink instead), only a way to compare two builds while the machine is loaded.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar dev.tether.bench.jmh.RoutingCpuTime}; prints, per case, the
 * lowest and all of 8 rounds of 2 million operations, after 4 warm-up rounds.
 */
public final class RoutingCpuTime {

    private static volatile Object sink;

    private RoutingCpuTime() {}

    public static void main(String[] args) {
        for (String cookie : List.of("plain", "signed", "prefix")) {
            RouterBenchmark b = new RouterBenchmark();
            b.cookie = cookie;
            b.setUp();
            measure("RouterBenchmark.sticky cookie=" + cookie, b::sticky);
        }
        for (String loads : List.of("mixed", "busy")) {
            for (int servers : new int[] {3, 100}) {
                LoadBalancerBenchmark b = new LoadBalancerBenchmark();
                b.algorithm = BalanceAlgorithm.LEAST_CONNECTIONS;
                b.servers = servers;
                b.loads = loads;
                b.setUp();
                measure("LoadBalancerBenchmark.pick least-connections servers=" + servers + " loads=" + loads, b::pick);
            }
        }
    }

    private static void measure(String name, Supplier<?> op) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int batch = 2_000_000;
        double best = Double.MAX_VALUE;
        List<String> rounds = new ArrayList<>();
        for (int round = 0; round < 12; round++) {
            long start = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < batch; i++) {
                sink = op.get();
            }
            double ns = (mx.getCurrentThreadCpuTime() - start) / (double) batch;
            if (round >= 4) {
                best = Math.min(best, ns);
                rounds.add(String.format("%.1f", ns));
            }
        }
        System.out.printf("%-75s cpu ns/op min %6.1f  rounds %s%n", name, best, rounds);
    }
}
