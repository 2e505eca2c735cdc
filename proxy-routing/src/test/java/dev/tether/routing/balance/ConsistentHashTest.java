package dev.tether.routing.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tether.routing.config.ServerConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConsistentHashTest {

    private static final int KEYS = 40_000;

    private static List<ServerConfig> servers(int n) {
        List<ServerConfig> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(ServerConfig.of("node" + i, "127.0.0.1", 8000 + i));
        }
        return list;
    }

    private static String[] owners(ConsistentHash ring, List<ServerConfig> servers) {
        String[] owner = new String[KEYS];
        for (int k = 0; k < KEYS; k++) {
            String key = "session-" + k;
            owner[k] = servers.get(ring.owner(ConsistentHash.keyHash(key, 0, key.length()))).name();
        }
        return owner;
    }

    @ParameterizedTest(name = "{0} servers")
    @ValueSource(ints = {3, 5, 10, 20})
    void removingAServerMovesOnlyItsOwnKeysAboutOneInN(int n) {
        List<ServerConfig> all = servers(n);
        List<ServerConfig> fewer = new ArrayList<>(all);
        ServerConfig removed = fewer.remove(n / 2);
        String[] before = owners(new ConsistentHash(all, i -> true), all);
        String[] after = owners(new ConsistentHash(fewer, i -> true), fewer);
        int moved = 0;
        for (int k = 0; k < KEYS; k++) {
            if (!before[k].equals(after[k])) {
                moved++;
                assertThat(before[k]).as("only the removed server's keys move").isEqualTo(removed.name());
            }
        }
        double fraction = moved / (double) KEYS;
        assertThat(fraction).isCloseTo(1.0 / n, within(0.35 / n));
    }

    @ParameterizedTest(name = "{0} servers")
    @ValueSource(ints = {3, 10})
    void addingAServerTakesAboutOneInNPlusOneFromTheOthers(int n) {
        List<ServerConfig> all = servers(n);
        List<ServerConfig> more = servers(n + 1);
        String[] before = owners(new ConsistentHash(all, i -> true), all);
        String[] after = owners(new ConsistentHash(more, i -> true), more);
        int moved = 0;
        for (int k = 0; k < KEYS; k++) {
            if (!before[k].equals(after[k])) {
                moved++;
                assertThat(after[k]).as("moved keys go to the new server").isEqualTo("node" + n);
            }
        }
        assertThat(moved / (double) KEYS).isCloseTo(1.0 / (n + 1), within(0.35 / (n + 1)));
    }

    @Test
    void spreadsKeysEvenlyAndByWeight() {
        List<ServerConfig> servers = new ArrayList<>(servers(4));
        servers.set(3, new ServerConfig("node3", "127.0.0.1", 8003, 2, false, 0));
        String[] owner = owners(new ConsistentHash(servers, i -> true), servers);
        int[] counts = new int[4];
        for (String o : owner) {
            counts[o.charAt(4) - '0']++;
        }
        for (int i = 0; i < 3; i++) {
            assertThat(counts[i] / (double) KEYS).isCloseTo(0.2, within(0.05));
        }
        assertThat(counts[3] / (double) KEYS).isCloseTo(0.4, within(0.06));
    }

    @Test
    void theRingDependsOnlyOnTheConfiguration() {
        List<ServerConfig> servers = servers(5);
        List<ServerConfig> reversed = new ArrayList<>(servers);
        java.util.Collections.reverse(reversed);
        String[] a = owners(new ConsistentHash(servers, i -> true), servers);
        String[] b = owners(new ConsistentHash(reversed, i -> true), reversed);
        assertThat(b).containsExactly(a);
    }

    @Test
    void nextWalksToTheSameUsableServerForTheSameKey() {
        List<ServerConfig> servers = servers(5);
        ConsistentHash ring = new ConsistentHash(servers, i -> true);
        long hash = ConsistentHash.keyHash("k", 0, 1);
        int owner = ring.owner(hash);
        int next = ring.next(hash, i -> i != owner);
        assertThat(next).isNotEqualTo(owner).isGreaterThanOrEqualTo(0);
        assertThat(ring.next(hash, i -> i != owner)).isEqualTo(next);
        assertThat(ring.next(hash, i -> false)).isEqualTo(-1);
    }

    @Test
    void uuidKeysIgnoreDashesAndCase() {
        String a = "AF2B3C1E-1234-4A5B-8C9D-0123456789AB";
        String b = "af2b3c1e12344a5b8c9d0123456789ab";
        assertThat(ConsistentHash.hexKeyHash(a, 0, a.length())).isEqualTo(ConsistentHash.hexKeyHash(b, 0, b.length()));
    }
}
