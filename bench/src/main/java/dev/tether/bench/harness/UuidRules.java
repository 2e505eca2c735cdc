package dev.tether.bench.harness;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The rules of the {@code uuid-map} profile, the same for every contestant: base UUIDs shard by their first hex
 * character ({@code 0-7} to s1, {@code 8-f} to s2), and {@code count} per-base overrides keyed by the UUID's first
 * 12 hex digits ({@code xxxxxxxx-xxxx}) each send one base to the other server. Requests go to
 * {@code /u/<uuid>/small} for the overridden UUIDs, so every request takes the override lookup.
 *
 * <p>Generated from a fixed seed, so every run and every contestant sees the same map.
 */
public final class UuidRules {

    /** One override: requests for {@code uuid} go to server {@code serverIndex} (0-based). */
    public record Rule(String uuid, int serverIndex) {
        /** The override key: first 12 hex digits with the dash, {@code xxxxxxxx-xxxx}. */
        public String prefix() {
            return uuid.substring(0, 13);
        }

        public String path() {
            return "/u/" + uuid + "/small";
        }
    }

    private UuidRules() {}

    /** The server a UUID's first character maps to without an override. */
    public static int rangeServer(char first) {
        return Character.digit(first, 16) < 8 ? 0 : 1;
    }

    /** Rules in the {@code uuid-map-1000} scenario. */
    public static final int COUNT = 1000;

    public static List<Rule> generate(int count) {
        SplittableRandom random = new SplittableRandom(20261122L);
        List<Rule> rules = new ArrayList<>(count);
        Set<String> prefixes = new HashSet<>();
        while (rules.size() < count) {
            String uuid = String.format(Locale.ROOT, "%08x-%04x-4%03x-a%03x-%012x",
                    random.nextInt() & 0xffffffffL, random.nextInt(0x10000), random.nextInt(0x1000),
                    random.nextInt(0x1000), random.nextLong() & 0xffffffffffffL);
            if (!prefixes.add(uuid.substring(0, 13))) {
                continue; // one rule per prefix, so "longest prefix" and "exact prefix" agree
            }
            // The override always disagrees with the range, so a contestant that skips it routes wrongly.
            rules.add(new Rule(uuid, 1 - rangeServer(uuid.charAt(0))));
        }
        return rules;
    }
}
