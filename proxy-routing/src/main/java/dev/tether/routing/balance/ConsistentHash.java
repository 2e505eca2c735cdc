package dev.tether.routing.balance;

import dev.tether.routing.config.ServerConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * A consistent-hash ring (Karger et al.; ketama's layout) mapping 64-bit key hashes to servers.
 *
 * <p>Each server owns {@value #POINTS} points per unit of its weight relative to the heaviest server, placed by
 * hashing {@code name#i}, so the ring depends only on the configured names and weights: every instance builds the
 * same ring. A key belongs to the first point at or after its hash. Removing a server hands only its own arcs to the
 * next points, so about 1/N of the keys move; adding one takes about 1/(N+1) from the others. Lookups are a binary
 * search (about 11 steps for 10 servers); the ring is built once per configuration, not per health change: an
 * unusable owner is handled by the caller's policy, for example by walking on with {@link #next}.
 *
 * <p>{@link #keyHash} hashes request keys (FNV-1a, then the murmur3 finalizer for avalanche) without allocating.
 */
public final class ConsistentHash {

    /** Points per server at the highest weight: enough for a few percent of imbalance at 10 servers. */
    static final int POINTS = 160;

    private final long[] points;
    private final int[] owners;

    /**
     * @param servers the backend's servers in order; indices into this list are what the ring answers
     * @param member which of them are on the ring (for example: primaries with weight above 0)
     */
    public ConsistentHash(List<ServerConfig> servers, IntPredicate member) {
        int maxWeight = 1;
        for (int i = 0; i < servers.size(); i++) {
            if (member.test(i)) {
                maxWeight = Math.max(maxWeight, servers.get(i).weight());
            }
        }
        List<long[]> ring = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            if (!member.test(i)) {
                continue;
            }
            ServerConfig s = servers.get(i);
            int count = Math.max(1, (int) ((long) POINTS * s.weight() / maxWeight));
            for (int p = 0; p < count; p++) {
                String label = s.name() + '#' + p;
                ring.add(new long[] {keyHash(label, 0, label.length()), i});
            }
        }
        ring.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        points = new long[ring.size()];
        owners = new int[ring.size()];
        for (int k = 0; k < points.length; k++) {
            points[k] = ring.get(k)[0];
            owners[k] = (int) ring.get(k)[1];
        }
    }

    /** Whether no server is on the ring. */
    public boolean isEmpty() {
        return points.length == 0;
    }

    /** The server index owning {@code hash}, or -1 for an empty ring. */
    public int owner(long hash) {
        return points.length == 0 ? -1 : owners[position(hash)];
    }

    /**
     * Walks the ring from {@code hash} and returns the first server other than its owner that {@code usable}
     * accepts, or -1. The same key always walks to the same server, so a fallback is as sticky as the owner.
     */
    public int next(long hash, IntPredicate usable) {
        if (points.length == 0) {
            return -1;
        }
        int start = position(hash);
        int owner = owners[start];
        for (int k = 1; k < points.length; k++) {
            int s = owners[(start + k) % points.length];
            if (s != owner && usable.test(s)) {
                return s;
            }
        }
        return -1;
    }

    private int position(long hash) {
        int i = Arrays.binarySearch(points, hash);
        if (i < 0) {
            i = -i - 1;
        }
        return i == points.length ? 0 : i;
    }

    /** A well-mixed 64-bit hash of {@code s[from, to)}. */
    public static long keyHash(CharSequence s, int from, int to) {
        long h = 0xcbf29ce484222325L;
        for (int i = from; i < to; i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    /** A hash of the hex digits of {@code s[from, to)}, ignoring dashes and case: one UUID, one hash. */
    public static long hexKeyHash(CharSequence s, int from, int to) {
        long h = 0xcbf29ce484222325L;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '-') {
                continue;
            }
            h ^= c >= 'A' && c <= 'F' ? c + ('a' - 'A') : c;
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
