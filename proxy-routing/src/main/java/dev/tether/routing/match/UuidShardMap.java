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
 * <p>Ranges become a 16-entry table on the first hex digit. Overrides are grouped by length into one hash table
 * per length (at most 32 tables); a lookup walks the UUID's digits once and probes the table of each length that
 * has overrides, so the longest matching prefix wins after at most 32 digit reads and one probe per distinct
 * override length, whether there are 10 overrides or 100 000. Dashes are ignored and case does not matter.
 *
 * <pre>
 *   ff84e1a1-66e2-4c4e-...   digits f f 8 4 e 1 a 1 6 6 e 2 ...
 *                            len 1: ranges['f']          -> candidate (lowest priority)
 *                            len 8: overrides8[ff84e1a1] -> better candidate, if present
 *                            len 12: overrides12[...]    -> best candidate, if present
 * </pre>
 */
public final class UuidShardMap {

    private final UuidFinder finder;
    private final int[] ranges = new int[16];
    private final HexPrefixTable[] overrides = new HexPrefixTable[33];
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
        int max = 0;
        for (Map.Entry<Integer, Map<String, String>> group : byLength.entrySet()) {
            int len = group.getKey();
            HexPrefixTable table = new HexPrefixTable(group.getValue().size());
            for (Map.Entry<String, String> e : group.getValue().entrySet()) {
                String d = e.getKey();
                long hi = Long.parseUnsignedLong(d.substring(0, Math.min(16, len)), 16);
                long lo = len > 16 ? Long.parseUnsignedLong(d.substring(16), 16) : 0;
                table.put(hi, lo, serverIndex.applyAsInt(e.getValue()));
            }
            overrides[len] = table;
            max = Math.max(max, len);
        }
        this.longest = max;
        this.defaultServer = config.defaultServer() == null ? -1 : serverIndex.applyAsInt(config.defaultServer());
    }

    /** The server index for the UUID in this path, or -1 when the path carries no UUID. */
    public int route(String path) {
        long region = finder.find(path);
        return region < 0 ? -1 : lookup(path, UuidFinder.start(region), UuidFinder.end(region));
    }

    /**
     * The server index for the UUID in {@code s[from, to)}: the longest override, else the range of its first
     * digit, else the default server; -1 when the region holds no hex digit.
     */
    public int lookup(CharSequence s, int from, int to) {
        long hi = 0;
        long lo = 0;
        int digits = 0;
        int first = -1;
        int best = -1;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '-') {
                continue;
            }
            int d = UuidFinder.hex(c);
            if (d < 0 || digits == 32) {
                break;
            }
            if (digits < 16) {
                hi = (hi << 4) | d;
            } else {
                lo = (lo << 4) | d;
            }
            digits++;
            if (digits == 1) {
                first = d;
            }
            HexPrefixTable t = overrides[digits];
            if (t != null) {
                int v = t.get(hi, lo);
                if (v >= 0) {
                    best = v;
                }
            }
            if (digits >= longest && digits >= 1) {
                break;
            }
        }
        if (first < 0) {
            return -1;
        }
        if (best >= 0) {
            return best;
        }
        return ranges[first] >= 0 ? ranges[first] : defaultServer;
    }
}
