package dev.tether.routing.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A shard map on a base UUID in the URL (SeaTable's dtable-server layout): the UUID's first hex character picks
 * a server by range, and per-UUID-prefix overrides win over ranges (the longest matching prefix wins).
 *
 * <p>The constructor proves the map is complete: every first character 0-9a-f is covered by exactly one range,
 * or {@code defaultServer} names where the rest goes. It throws {@link IllegalArgumentException} listing every
 * malformed key, overlap, duplicate override and uncovered character. {@link RoutingConfig} checks that the servers
 * exist.
 *
 * @param pattern Java regex that finds the UUID in the path: the group named {@code uuid}, else group 1, else the
 *     whole match; {@code null} for the default, the first dashed UUID in the path
 * @param ranges first-character ranges ({@code "0-9"}, {@code "a-f"}, {@code "7"}) to server names
 * @param overrides UUID prefixes ({@code "ff84e1a1-66e2"}; dashes optional, 1 to 32 hex digits) to server names
 * @param defaultServer the server for first characters no range covers, or {@code null} when ranges cover all 16
 * @param onUnavailable when the mapped server is not usable: {@code REFUSE} (the default: a base must never be
 *     opened on two servers) or {@code FALLBACK} to the backend's balancer
 */
public record UuidMapConfig(
        String pattern,
        Map<String, String> ranges,
        Map<String, String> overrides,
        String defaultServer,
        UnavailablePolicy onUnavailable) {

    private static final String HEX = "0123456789abcdef";

    public UuidMapConfig {
        ranges = ranges == null ? Map.of() : Map.copyOf(ranges);
        overrides = overrides == null ? Map.of() : Map.copyOf(overrides);
        onUnavailable = onUnavailable == null ? UnavailablePolicy.REFUSE : onUnavailable;
        List<String> problems = new ArrayList<>();
        if (pattern != null) {
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                problems.add("pattern = " + pattern + ": not a valid Java regex (" + e.getDescription() + ")");
            }
        }
        String[] owner = new String[16];
        for (Map.Entry<String, String> e : new TreeMap<>(ranges).entrySet()) {
            int[] range = parseRange(e.getKey());
            if (range == null) {
                problems.add("ranges: \"" + e.getKey() + "\" is not a hex character or range like \"0-9\" or \"a-f\"");
                continue;
            }
            for (int c = range[0]; c <= range[1]; c++) {
                if (owner[c] != null) {
                    problems.add("ranges: \"" + owner[c] + "\" and \"" + e.getKey() + "\" overlap on '"
                            + HEX.charAt(c) + "'");
                } else {
                    owner[c] = e.getKey();
                }
            }
        }
        if (defaultServer == null) {
            StringBuilder missing = new StringBuilder();
            for (int c = 0; c < 16; c++) {
                if (owner[c] == null) {
                    missing.append(HEX.charAt(c));
                }
            }
            if (missing.length() > 0) {
                problems.add("ranges do not cover first characters [" + missing
                        + "] and no default-server is set (add ranges or a default-server)");
            }
        }
        Map<String, String> seen = new TreeMap<>();
        for (String key : new TreeMap<>(overrides).keySet()) {
            String digits = normalizePrefix(key);
            if (digits == null) {
                problems.add("overrides: \"" + key + "\" is not a UUID prefix (1 to 32 hex digits, dashes allowed)");
            } else if (seen.containsKey(digits)) {
                problems.add("overrides: \"" + seen.get(digits) + "\" and \"" + key + "\" are the same prefix");
            } else {
                seen.put(digits, key);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("uuid-map: " + String.join("; ", problems));
        }
    }

    /** A map with the default pattern, no overrides, no default server and policy {@code refuse}. */
    public static UuidMapConfig ofRanges(Map<String, String> ranges) {
        return new UuidMapConfig(null, ranges, Map.of(), null, UnavailablePolicy.REFUSE);
    }

    /** Every server name the map refers to. */
    public List<String> servers() {
        List<String> all = new ArrayList<>(ranges.values());
        all.addAll(overrides.values());
        if (defaultServer != null) {
            all.add(defaultServer);
        }
        return all;
    }

    /** The first and last hex value of a range key, or {@code null} when malformed. */
    public static int[] parseRange(String key) {
        String k = key.trim().toLowerCase(Locale.ROOT);
        if (k.length() == 1 && HEX.indexOf(k.charAt(0)) >= 0) {
            int c = HEX.indexOf(k.charAt(0));
            return new int[] {c, c};
        }
        if (k.length() == 3 && k.charAt(1) == '-') {
            int from = HEX.indexOf(k.charAt(0));
            int to = HEX.indexOf(k.charAt(2));
            if (from >= 0 && to >= from) {
                return new int[] {from, to};
            }
        }
        return null;
    }

    /** The lower-case hex digits of an override key without dashes, or {@code null} when malformed. */
    public static String normalizePrefix(String key) {
        StringBuilder digits = new StringBuilder(32);
        String k = key.trim().toLowerCase(Locale.ROOT);
        for (int i = 0; i < k.length(); i++) {
            char c = k.charAt(i);
            if (c == '-') {
                continue;
            }
            if (HEX.indexOf(c) < 0) {
                return null;
            }
            digits.append(c);
        }
        return digits.length() == 0 || digits.length() > 32 ? null : digits.toString();
    }
}
