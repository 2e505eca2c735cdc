package dev.tether.routing.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tether.routing.LoadSignal;
import dev.tether.routing.config.BalanceAlgorithm;
import dev.tether.routing.config.ServerConfig;
import dev.tether.routing.model.Server;
import dev.tether.routing.model.ServerState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LoadBalancersTest {

    private static Server server(String name, int weight) {
        return server(name, weight, false, 0, ServerState.UP);
    }

    private static Server server(String name, int weight, boolean backup, int maxConn, ServerState state) {
        return new Server("app", new ServerConfig(name, "127.0.0.1", 8080, weight, backup, maxConn), state);
    }

    private static Map<String, Integer> count(LoadBalancer lb, LoadSignal load, int picks) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < picks; i++) {
            counts.merge(lb.pick(load, Set.of()).name(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void smoothRoundRobinInterleavesLikeNginx() {
        LoadBalancer lb = new SmoothWeightedRoundRobin(List.of(server("a", 5), server("b", 1), server("c", 1)));
        String sequence = "";
        for (int i = 0; i < 14; i++) {
            sequence += lb.pick(LoadSignal.NONE, Set.of()).name();
        }
        assertThat(sequence).isEqualTo("aabacaa" + "aabacaa");
    }

    @Test
    void roundRobinGivesExactSharesOverACycle() {
        List<Server> servers = new ArrayList<>();
        int total = 0;
        for (int i = 0; i < 100; i++) {
            servers.add(server("s" + i, 1 + i % 7));
            total += 1 + i % 7;
        }
        Map<String, Integer> counts = count(new SmoothWeightedRoundRobin(servers), LoadSignal.NONE, total * 3);
        for (Server s : servers) {
            assertThat(counts.get(s.name())).isEqualTo(3 * s.config().weight());
        }
    }

    @Test
    void roundRobinReducesWeightsByTheirGcd() {
        LoadBalancer lb = new SmoothWeightedRoundRobin(List.of(server("a", 200), server("b", 100)));
        assertThat(count(lb, LoadSignal.NONE, 3)).containsEntry("a", 2).containsEntry("b", 1);
    }

    @Test
    void leastConnectionsPicksTheLowestLoadPerWeight() {
        Map<String, Integer> inFlight = Map.of("a", 10, "b", 4, "c", 9);
        LoadSignal load = s -> inFlight.get(s.name());
        // Per weight: a 10/4 = 2.5, b 4/1 = 4, c 9/3 = 3.
        LoadBalancer lb = new LeastConnections(List.of(server("a", 4), server("b", 1), server("c", 3)));
        for (int i = 0; i < 10; i++) {
            assertThat(lb.pick(load, Set.of()).name()).isEqualTo("a");
        }
        assertThat(lb.pick(load, Set.of("app/a")).name()).isEqualTo("c");
    }

    /**
     * The scan stops early at an idle server and skips avoided ones in a separate loop: check it still returns exactly
     * what the plain definition does, the first server from the rotating offset with the lowest in-flight/weight.
     */
    @Test
    void leastConnectionsAgreesWithTheNaiveDefinitionOnRandomLoads() {
        java.util.Random random = new java.util.Random(7);
        int[] largePrimes = {251, 241, 239, 233, 229}; // an lcm above 2^31: the cross-multiplied scan
        for (int trial = 0; trial < 2000; trial++) {
            int n = 1 + random.nextInt(12);
            boolean largeWeights = trial % 5 == 0;
            boolean largeLoads = trial % 7 == 0;
            List<Server> servers = new ArrayList<>();
            Map<String, Integer> inFlight = new HashMap<>();
            Map<String, AtomicInteger> counters = new HashMap<>();
            int[] counts = new int[n + 5]; // s<i> at counts[3 + i]: a run inside a larger array
            Map<String, LoadSignal.Slot> slots = new HashMap<>();
            for (int i = 0; i < n; i++) {
                int weight = largeWeights ? largePrimes[random.nextInt(largePrimes.length)] : 1 + random.nextInt(4);
                servers.add(server("s" + i, weight));
                // Small values: many ties and idle servers; large ones: no overflow in the scaled keys.
                int load = largeLoads ? Integer.MAX_VALUE - random.nextInt(4) : random.nextInt(4);
                inFlight.put("s" + i, load);
                counters.put("app/s" + i, new AtomicInteger(load));
                counts[3 + i] = load;
                slots.put("app/s" + i, new LoadSignal.Slot(counts, 3 + i));
            }
            Set<String> avoid = new java.util.HashSet<>();
            if (random.nextBoolean()) {
                for (int i = 0; i < n; i++) {
                    if (random.nextInt(3) == 0) {
                        avoid.add("app/s" + i);
                    }
                }
            }
            // The same loads through inFlight alone (readers) and through counters (the array scan).
            LoadSignal plain = s -> inFlight.get(s.name());
            LoadSignal withCounters = new LoadSignal() {
                @Override
                public int inFlight(Server server) {
                    return counters.get(server.id()).get();
                }

                @Override
                public AtomicInteger counter(Server server) {
                    return counters.get(server.id());
                }
            };
            LoadSignal withSlots = new LoadSignal() {
                @Override
                public int inFlight(Server server) {
                    return counts[slots.get(server.id()).index()];
                }

                @Override
                public Slot slot(Server server) {
                    return slots.get(server.id());
                }
            };
            for (LoadSignal load : List.of(plain, withCounters, withSlots)) {
                LoadBalancer lb = new LeastConnections(servers);
                for (int pick = 0; pick < 3; pick++) { // offsets 0, 1, 2
                    Server expected = null;
                    for (int k = 0; k < n; k++) {
                        Server s = servers.get((pick + k) % n);
                        if (avoid.contains(s.id())) {
                            continue;
                        }
                        if (expected == null || (long) inFlight.get(s.name()) * expected.config().weight()
                                < (long) inFlight.get(expected.name()) * s.config().weight()) {
                            expected = s;
                        }
                    }
                    String path = load == plain ? "inFlight" : load == withCounters ? "counters" : "slots";
                    assertThat(lb.pick(load, avoid)).as("trial %d pick %d %s", trial, pick, path).isEqualTo(expected);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = BalanceAlgorithm.class, names = {"LEAST_CONNECTIONS", "POWER_OF_TWO", "FIRST"})
    void countersAreResolvedOnceAndReadLive(BalanceAlgorithm algorithm) {
        List<Server> servers = List.of(server("a", 1, false, 1, ServerState.UP), server("b", 1, false, 1,
                ServerState.UP));
        Map<String, AtomicInteger> counters = new HashMap<>();
        List<String> resolved = new ArrayList<>();
        LoadSignal load = new LoadSignal() {
            @Override
            public int inFlight(Server server) {
                throw new AssertionError("balancers use the counters");
            }

            @Override
            public AtomicInteger counter(Server server) {
                resolved.add(server.name());
                return counters.computeIfAbsent(server.name(), k -> new AtomicInteger());
            }
        };
        LoadBalancer lb = LoadBalancers.create(algorithm, servers);
        lb.pick(load, Set.of());
        counters.get("a").set(5);
        for (int i = 0; i < 20; i++) {
            assertThat(lb.pick(load, Set.of()).name()).isEqualTo("b");
        }
        counters.get("a").set(0);
        counters.get("b").set(5);
        for (int i = 0; i < 20; i++) {
            assertThat(lb.pick(load, Set.of()).name()).isEqualTo("a");
        }
        // Once for the reader (the default reader wraps the counter) and, for least-connections, once for the array.
        assertThat(resolved).containsOnly("a", "b").hasSizeLessThanOrEqualTo(4);
    }

    @ParameterizedTest
    @EnumSource(value = BalanceAlgorithm.class, names = {"LEAST_CONNECTIONS", "POWER_OF_TWO", "FIRST"})
    void slotsAreResolvedOnceAndReadLive(BalanceAlgorithm algorithm) {
        List<Server> servers = List.of(server("a", 1, false, 1, ServerState.UP), server("b", 1, false, 1,
                ServerState.UP));
        // Consecutive slots (the array walk) and scattered ones (the readers) must pick alike.
        for (int[] index : new int[][] {{2, 3}, {3, 0}}) {
            int[] counts = new int[5];
            List<String> resolved = new ArrayList<>();
            LoadSignal load = new LoadSignal() {
                @Override
                public int inFlight(Server server) {
                    throw new AssertionError("balancers use the slots");
                }

                @Override
                public Slot slot(Server server) {
                    resolved.add(server.name());
                    return new Slot(counts, index[server.name().charAt(0) - 'a']);
                }
            };
            LoadBalancer lb = LoadBalancers.create(algorithm, servers);
            lb.pick(load, Set.of());
            counts[index[0]] = 5;
            for (int i = 0; i < 20; i++) {
                assertThat(lb.pick(load, Set.of()).name()).as("slots %s", Arrays.toString(index)).isEqualTo("b");
            }
            counts[index[0]] = 0;
            counts[index[1]] = 5;
            for (int i = 0; i < 20; i++) {
                assertThat(lb.pick(load, Set.of()).name()).as("slots %s", Arrays.toString(index)).isEqualTo("a");
            }
            // Once for the reader and once for the array, per server.
            assertThat(resolved).containsOnly("a", "b").hasSizeLessThanOrEqualTo(4);
        }
    }

    @Test
    void leastConnectionsSpreadsTiesRoundRobin() {
        LoadBalancer lb = new LeastConnections(List.of(server("a", 1), server("b", 1), server("c", 1)));
        assertThat(count(lb, LoadSignal.NONE, 300)).containsOnly(
                Map.entry("a", 100), Map.entry("b", 100), Map.entry("c", 100));
    }

    @Test
    void leastConnectionsFollowsLiveLoad() {
        List<Server> servers = List.of(server("a", 1), server("b", 2), server("c", 1));
        Map<String, Integer> inFlight = new HashMap<>();
        LoadBalancer lb = new LeastConnections(servers);
        // Requests that never finish: the in-flight counts must end proportional to weight.
        for (int i = 0; i < 400; i++) {
            inFlight.merge(lb.pick(s -> inFlight.getOrDefault(s.name(), 0), Set.of()).name(), 1, Integer::sum);
        }
        assertThat(inFlight).containsEntry("a", 100).containsEntry("b", 200).containsEntry("c", 100);
    }

    @Test
    void powerOfTwoDrawsInProportionToWeightWhenIdle() {
        List<Server> servers = List.of(server("a", 1), server("b", 2), server("c", 5));
        Map<String, Integer> counts = count(new PowerOfTwoChoices(servers), LoadSignal.NONE, 80_000);
        // Idle servers tie, so the first draw wins: its share is its weight share.
        assertThat(counts.get("a") / 80_000.0).isCloseTo(1 / 8.0, within(0.02));
        assertThat(counts.get("c") / 80_000.0).isCloseTo(5 / 8.0, within(0.02));
    }

    /** The alias table's units add up to exactly {@code weight * n} per server: the draw's odds are the weights'. */
    @Test
    void powerOfTwoAliasTableGivesEachServerExactlyItsWeight() {
        Random random = new Random(11);
        for (int trial = 0; trial < 500; trial++) {
            int n = 1 + random.nextInt(trial < 250 ? 8 : 300);
            long[] weights = new long[n];
            int total = 0;
            for (int i = 0; i < n; i++) {
                weights[i] = 1 + random.nextInt(random.nextBoolean() ? 3 : 256);
                total += weights[i];
            }
            int[] own = new int[n];
            int[] alias = new int[n];
            PowerOfTwoChoices.buildAliases(weights, total, own, alias);
            long[] units = new long[n];
            for (int c = 0; c < n; c++) {
                assertThat(own[c]).isBetween(1, total);
                units[c] += own[c];
                units[alias[c]] += total - own[c];
            }
            for (int i = 0; i < n; i++) {
                assertThat(units[i]).as("server %d of %d", i, n).isEqualTo(weights[i] * n);
            }
        }
    }

    @Test
    void powerOfTwoKeepsLoadEven() {
        List<Server> servers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            servers.add(server("s" + i, 1));
        }
        Map<String, Integer> inFlight = new HashMap<>();
        LoadBalancer lb = new PowerOfTwoChoices(servers);
        for (int i = 0; i < 10_000; i++) {
            inFlight.merge(lb.pick(s -> inFlight.getOrDefault(s.name(), 0), Set.of()).name(), 1, Integer::sum);
        }
        // Random choice would spread about +-100; two choices keep every server within a few of 1000.
        assertThat(inFlight.values()).allSatisfy(c -> assertThat(c).isBetween(990, 1010));
    }

    @Test
    void powerOfTwoNeverPicksTheLoadedOneOfTwo() {
        LoadBalancer lb = new PowerOfTwoChoices(List.of(server("a", 1), server("b", 1)));
        for (int i = 0; i < 100; i++) {
            assertThat(lb.pick(s -> s.name().equals("a") ? 5 : 0, Set.of()).name()).isEqualTo("b");
        }
    }

    @Test
    void firstAvailableFillsServersInOrder() {
        LoadBalancer lb = new FirstAvailable(List.of(server("a", 1, false, 2, ServerState.UP),
                server("b", 1, false, 2, ServerState.UP), server("c", 1, false, 0, ServerState.UP)));
        Map<String, Integer> inFlight = new HashMap<>();
        List<String> picks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String name = lb.pick(s -> inFlight.getOrDefault(s.name(), 0), Set.of()).name();
            inFlight.merge(name, 1, Integer::sum);
            picks.add(name);
        }
        assertThat(picks).containsExactly("a", "a", "b", "b", "c", "c");
        assertThat(lb.pick(LoadSignal.NONE, Set.of("app/a")).name()).isEqualTo("b");
    }

    @ParameterizedTest
    @EnumSource(BalanceAlgorithm.class)
    void backupsServeOnlyWhenNoPrimaryIsUsable(BalanceAlgorithm algorithm) {
        Server p1 = server("p1", 1);
        Server p2 = server("p2", 1);
        Server b1 = server("b1", 1, true, 0, ServerState.UP);
        assertThat(count(LoadBalancers.create(algorithm, List.of(p1, b1, p2)), LoadSignal.NONE, 50))
                .doesNotContainKey("b1");
        Server p1Down = server("p1", 1, false, 0, ServerState.DOWN);
        Server p2Drain = server("p2", 1, false, 0, ServerState.DRAIN);
        assertThat(count(LoadBalancers.create(algorithm, List.of(p1Down, b1, p2Drain)), LoadSignal.NONE, 50))
                .containsOnlyKeys("b1");
        assertThat(LoadBalancers.create(algorithm, List.of(p1, b1)).pick(LoadSignal.NONE, Set.of("app/p1")).name())
                .isEqualTo("b1");
    }

    @ParameterizedTest
    @EnumSource(BalanceAlgorithm.class)
    void weightZeroAndUnusableServersTakeNoNewSessions(BalanceAlgorithm algorithm) {
        List<Server> servers = List.of(server("zero", 0), server("up", 1),
                server("maint", 1, false, 0, ServerState.MAINT), server("up2", 3));
        assertThat(count(LoadBalancers.create(algorithm, servers), LoadSignal.NONE, 100).keySet())
                .isSubsetOf(Set.of("up", "up2"));
        assertThat(LoadBalancers.create(algorithm, List.of(server("zero", 0))).pick(LoadSignal.NONE, Set.of()))
                .isNull();
    }

    @ParameterizedTest
    @EnumSource(BalanceAlgorithm.class)
    void everyAlgorithmHonoursAvoid(BalanceAlgorithm algorithm) {
        List<Server> servers = List.of(server("a", 1), server("b", 1), server("c", 1));
        LoadBalancer lb = LoadBalancers.create(algorithm, servers);
        for (int i = 0; i < 30; i++) {
            assertThat(lb.pick(LoadSignal.NONE, Set.of("app/a", "app/c")).name()).isEqualTo("b");
        }
        assertThat(lb.pick(LoadSignal.NONE, Set.of("app/a", "app/b", "app/c"))).isNull();
        assertThat(servers.stream().map(Server::id).collect(Collectors.toSet())).hasSize(3);
    }

    @ParameterizedTest
    @EnumSource(value = BalanceAlgorithm.class, names = {"LEAST_CONNECTIONS", "POWER_OF_TWO", "FIRST"})
    void readersAreResolvedOnceAndReadLive(BalanceAlgorithm algorithm) {
        List<Server> servers = List.of(server("a", 1, false, 1, ServerState.UP), server("b", 1, false, 1,
                ServerState.UP));
        Map<String, AtomicInteger> counters = new HashMap<>();
        List<String> resolved = new ArrayList<>();
        LoadSignal load = new LoadSignal() {
            @Override
            public int inFlight(Server server) {
                throw new AssertionError("balancers use the readers");
            }

            @Override
            public IntSupplier reader(Server server) {
                resolved.add(server.name());
                return counters.computeIfAbsent(server.name(), k -> new AtomicInteger())::get;
            }
        };
        LoadBalancer lb = LoadBalancers.create(algorithm, servers);
        lb.pick(load, Set.of());
        counters.get("a").set(5);
        for (int i = 0; i < 20; i++) {
            assertThat(lb.pick(load, Set.of()).name()).isEqualTo("b");
        }
        assertThat(resolved).containsExactlyInAnyOrder("a", "b");
    }
}
