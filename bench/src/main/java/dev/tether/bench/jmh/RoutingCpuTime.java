package dev.tether.bench.jmh;

import dev.tether.routing.config.BalanceAlgorithm;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A cross-check of the routing benchmarks on a busy machine: the same inputs and methods as {@link RouterBenchmark},
 * {@link LoadBalancerBenchmark}, {@link UuidMapBenchmark} and {@link PathRuleBenchmark}, timed by the thread's CPU
 * time instead of the wall clock, so time the thread spends preempted by other processes does not count. JMH's
 * figures on this shared 2-core VM swing 2-5x with the team's builds; these barely move (cache pollution by the
 * other processes still counts). Not a replacement for JMH (no forks, no blackhole, a volatile sink instead), only
 * a way to compare two builds while the machine is loaded.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar dev.tether.bench.jmh.RoutingCpuTime [regex]}; prints, per
 * case whose name the optional regex finds, the lowest and all of 8 rounds of 2 million operations, after 4 warm-up
 * rounds. All cases run in one JVM, in the order below, so a case's compiled code may depend on the cases before it.
 */
public final class RoutingCpuTime {

    private static volatile Object sink;

    private RoutingCpuTime() {}

    public static void main(String[] args) {
        Pattern only = Pattern.compile(args.length > 0 ? args[0] : "");
        for (String cookie : List.of("plain", "signed", "prefix")) {
            String name = "RouterBenchmark.sticky cookie=" + cookie;
            if (only.matcher(name).find()) {
                RouterBenchmark b = new RouterBenchmark();
                b.cookie = cookie;
                b.setUp();
                measure(name, b::sticky);
            }
        }
        for (String loads : List.of("mixed", "busy")) {
            for (int servers : new int[] {3, 100}) {
                for (String method : List.of("pick", "route")) {
                    String name = "LoadBalancerBenchmark." + method + " least-connections servers=" + servers
                            + " loads=" + loads;
                    if (only.matcher(name).find()) {
                        LoadBalancerBenchmark b = new LoadBalancerBenchmark();
                        b.algorithm = BalanceAlgorithm.LEAST_CONNECTIONS;
                        b.servers = servers;
                        b.loads = loads;
                        b.setUp();
                        measure(name, method.equals("pick") ? b::pick : b::route);
                    }
                }
            }
        }
        for (int servers : new int[] {3, 100}) {
            for (String method : List.of("pick", "route")) {
                String name = "LoadBalancerBenchmark." + method + " power-of-two servers=" + servers + " loads=mixed";
                if (only.matcher(name).find()) {
                    LoadBalancerBenchmark b = new LoadBalancerBenchmark();
                    b.algorithm = BalanceAlgorithm.POWER_OF_TWO;
                    b.servers = servers;
                    b.loads = "mixed";
                    b.setUp();
                    measure(name, method.equals("pick") ? b::pick : b::route);
                }
            }
        }
        for (int rules : new int[] {10, 1000, 100_000}) {
            String name = "UuidMapBenchmark.route rules=" + rules;
            if (only.matcher(name).find()) {
                UuidMapBenchmark b = new UuidMapBenchmark();
                b.rules = rules;
                b.setUp();
                measure(name, b::route);
            }
        }
        for (int rules : new int[] {10, 100}) {
            for (String method : List.of("first", "last")) {
                String name = "PathRuleBenchmark." + method + " rules=" + rules;
                if (only.matcher(name).find()) {
                    PathRuleBenchmark b = new PathRuleBenchmark();
                    b.rules = rules;
                    b.setUp();
                    measure(name, method.equals("first") ? b::first : b::last);
                }
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
