package dev.tether.routing.match;

import dev.tether.routing.config.UuidMapConfig;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * A compiled {@link UuidMapConfig}: UUID to server index in a number of steps that does not grow with the number
 * of rules.
 *
 * <p>Layout, built once per table:
 * <ul>
 *   <li>ranges: a 16-entry table on the first hex digit;
 *   <li>overrides of 1 to 3 digits: direct tables of 16, 256 and 4096 entries;
 *   <li>overrides of 4 to 32 digits: one hash table per length ({@link HexPrefixTable}, one long per override of
 *       up to 12 digits), plus a 65536-entry table of bit masks on the first four digits saying which override
 *       lengths exist under that prefix. A map of 100 000 overrides of 4 to 12 digits measured 2.2 MB of heap
 *       (bench/ROUTING.md).
 * </ul>
 * With the default finder the scan that recognises the UUID in the path reads its 32 digits into two longs as it
 * validates them, eight at a time ({@link HexDigits}), and the lookup starts from those: no character is read
 * twice. The mask of the first four digits tells which override lengths exist under them; the lookup probes those
 * longest first and stops at the first hit: with a thousand overrides most UUIDs cost no probe at all, with
 * 100 000 about one or two. (With a configured
 * pattern the digits of the region it found are read once, no further than the longest length the mask allows.)
 * The longest matching override wins, then the range of the first digit, then the default server. Dashes are
 * ignored and case does not matter.
 *
 * <pre>
 *   ff84e1a1-66e2-4c4e-...   digits f f 8 4 e 1 a 1 6 6 e 2 ...
 *     1 digit                ranges[f]                        -> candidate (lowest priority)
 *     1-3 digits             direct1[f], direct2[ff], direct3[ff8]
 *     4 digits               masks[ff84] = lengths {8, 12}
 *     8, 12 digits           overrides8[ff84e1a1], overrides12[ff84e1a166e2] -> the longest hit wins
 * </pre>
 */
public final class UuidShardMap {

    private final UuidFinder finder;
    private final int[] ranges = new int[16];
    private final int[][] direct = new int[4][];
    private final HexPrefixTable[] overrides = new HexPrefixTable[33];
    // Per first four digits, bit len - 1 set when overrides of len digits exist under them (see #lengths).
    private final int[] masks;
    private final int longest;
    private final int defaultServer;

    /**
     * @param config a validated map
     * @param serverIndex the index of a server name in the backend
     */
    public UuidShardMap(UuidMapConfig config, ToIntFunction<String> serverIndex) {
        this.finder = config.pattern() == null ? UuidFinder.FIRST_IN_PATH : new UuidFinder(config.pattern());
        Arrays.fill(ranges, -1);
        for (Map.Entry<String, String> e : config.ranges().entrySet()) {
            int[] r = UuidMapConfig.parseRange(e.getKey());
            int server = serverIndex.applyAsInt(e.getValue());
            for (int c = r[0]; c <= r[1]; c++) {
                ranges[c] = server;
            }
        }
        Map<Integer, Map<String, String>> byLength = new HashMap<>();
        for (Map.Entry<String, String> e : config.overrides().entrySet()) {
            String digits = UuidMapConfig.normalizePrefix(e.getKey());
            byLength.computeIfAbsent(digits.length(), k -> new HashMap<>()).put(digits, e.getValue());
        }
        int[] m = null;
        int max = 0;
        for (Map.Entry<Integer, Map<String, String>> group : byLength.entrySet()) {
            int len = group.getKey();
            max = Math.max(max, len);
            if (len < 4) {
                int[] table = new int[1 << (4 * len)];
                Arrays.fill(table, -1);
                for (Map.Entry<String, String> e : group.getValue().entrySet()) {
                    table[Integer.parseInt(e.getKey(), 16)] = serverIndex.applyAsInt(e.getValue());
                }
                direct[len] = table;
                continue;
            }
            if (m == null) {
                m = new int[1 << 16];
            }
            HexPrefixTable table = new HexPrefixTable(len, group.getValue().size());
            for (Map.Entry<String, String> e : group.getValue().entrySet()) {
                String d = e.getKey();
                long hi = Long.parseUnsignedLong(d.substring(0, Math.min(16, len)), 16);
                long lo = len > 16 ? Long.parseUnsignedLong(d.substring(16), 16) : 0;
                table.put(hi, lo, serverIndex.applyAsInt(e.getValue()));
                m[Integer.parseInt(d.substring(0, 4), 16)] |= 1 << (len - 1);
            }
            overrides[len] = table;
        }
        this.masks = m;
        this.longest = max;
        this.defaultServer = config.defaultServer() == null ? -1 : serverIndex.applyAsInt(config.defaultServer());
    }

    /** The server index for the UUID in this path, or -1 when the path carries no UUID. */
    public int route(String path) {
        if (finder == UuidFinder.FIRST_IN_PATH) {
            return path == null ? -1 : UuidFinder.route(path, this);
        }
        long region = finder.find(path);
        return region < 0 ? -1 : lookup(path, UuidFinder.start(region), UuidFinder.end(region));
    }

    /**
     * The region of the shard key in this path as {@code start << 32 | end} (see {@link UuidFinder#start} and
     * {@link UuidFinder#end}), or -1 when there is none. {@link #route} found a key exactly when this is not -1.
     */
    public long keyRegion(String path) {
        return finder.find(path);
    }

    /**
     * The server index for the UUID in {@code s[from, to)}: the longest override, else the range of its first
     * digit, else the default server; -1 when the region holds no hex digit.
     */
    public int lookup(CharSequence s, int from, int to) {
        // Read the digits once, left-aligned in hi (digits 1-16) and lo (17-32), so the prefix of any length is a
        // shift. Stop at the longest length that can still match: after four digits the mask says which exist.
        long hi = 0;
        long lo = 0;
        int digits = 0;
        int limit = Math.max(1, Math.min(longest, 32));
        long pending = 0;
        for (int i = from; i < to && digits < limit; i++) {
            char c = s.charAt(i);
            if (c == '-') {
                continue;
            }
            int d = HexDigits.value(c, true);
            if (d < 0) {
                break;
            }
            if (digits < 16) {
                hi |= (long) d << (60 - 4 * digits);
            } else {
                lo |= (long) d << (60 - 4 * (digits - 16));
            }
            digits++;
            if (digits == 4 && masks != null) {
                pending = lengths(hi);
                limit = Math.min(limit, Math.max(4, 63 - Long.numberOfLeadingZeros(pending)));
            }
        }
        if (digits == 0) {
            return -1;
        }
        // Lengths longer than the digits read cannot match.
        return lookup(hi, lo, digits, pending & ((2L << digits) - 1));
    }

    /**
     * The server index for a whole UUID, its 32 digits left-aligned in {@code hi} (1-16) and {@code lo} (17-32):
     * the longest override, else the range of its first digit, else the default server.
     */
    int lookup(long hi, long lo) {
        return lookup(hi, lo, 32, masks == null ? 0 : lengths(hi));
    }

    /** The override lengths under the first four digits of {@code hi}, as bits: bit len set for len digits. */
    private long lengths(long hi) {
        return (masks[(int) (hi >>> 48)] & 0xffffffffL) << 1;
    }

    /** The tail of a lookup once {@code digits} digits are read and {@code pending} holds the lengths to probe. */
    private int lookup(long hi, long lo, int digits, long pending) {
        // The longest hit wins, so probe longest first.
        while (pending != 0) {
            int len = 63 - Long.numberOfLeadingZeros(pending);
            long h = len >= 16 ? hi : hi >>> (64 - 4 * len);
            long l = len > 16 ? lo >>> (64 - 4 * (len - 16)) : 0;
            int v = overrides[len].get(h, l);
            if (v >= 0) {
                return v;
            }
            pending &= ~(1L << len);
        }
        for (int len = Math.min(digits, 3); len >= 1; len--) {
            int[] table = direct[len];
            if (table != null) {
                int v = table[(int) (hi >>> (64 - 4 * len))];
                if (v >= 0) {
                    return v;
                }
            }
        }
        int first = (int) (hi >>> 60);
        return ranges[first] >= 0 ? ranges[first] : defaultServer;
    }
}
