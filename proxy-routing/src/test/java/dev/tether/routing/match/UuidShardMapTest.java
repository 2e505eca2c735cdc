package dev.tether.routing.match;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.routing.config.UuidMapConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UuidShardMapTest {

    private static final List<String> SERVERS = List.of("s0", "s1", "s2", "s3");

    private static UuidShardMap compile(UuidMapConfig config) {
        return new UuidShardMap(config, SERVERS::indexOf);
    }

    private static final UuidShardMap SEATABLE = compile(new UuidMapConfig(null,
            Map.of("0-9", "s0", "a-f", "s1"),
            Map.of("ff84e1a1-66e2", "s2", "ff84", "s3", "0", "s3", "0123456789abcdef0123456789abcdef", "s1"),
            null, null));

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "/dtable-server/api/v1/dtables/4f2b3c1e-1234-4a5b-8c9d-0123456789ab/rows/, s0",
        "/dtable-server/api/v1/dtables/af2b3c1e-1234-4a5b-8c9d-0123456789ab/rows/, s1",
        "/dtable-server/api/v1/dtables/AF2B3C1E-1234-4A5B-8C9D-0123456789AB/, s1",
        "/x/ff84e1a1-66e2-4c4e-8c9d-0123456789ab, s2",
        "/x/ff84e1a1-66e3-4c4e-8c9d-0123456789ab, s3",
        "/x/ff85e1a1-66e3-4c4e-8c9d-0123456789ab, s1",
        "/x/0f85e1a1-66e3-4c4e-8c9d-0123456789ab, s3",
        "/x/01234567-89ab-cdef-0123-456789abcdef, s1",
        "/x/01234567-89ab-cdef-0123-456789abcdee, s3",
        "/api/1af2b3c1e-1234-4a5b-8c9d-0123456789ab/af2b3c1e-1234-4a5b-8c9d-0123456789ab, s1",
        "/api/no-uuid-here, none",
        "/api/af2b3c1e-1234-4a5b-8c9d-0123456789, none",
    })
    void routesByLongestOverrideThenRange(String path, String expected) {
        int server = SEATABLE.route(path);
        assertThat(server < 0 ? "none" : SERVERS.get(server)).isEqualTo(expected);
    }

    @Test
    void aDefaultServerTakesUncoveredCharacters() {
        UuidShardMap map = compile(new UuidMapConfig(null, Map.of("0-7", "s0"), Map.of(), "s2", null));
        assertThat(map.route("/a/7fffffff-0000-0000-0000-000000000000")).isEqualTo(0);
        assertThat(map.route("/a/8fffffff-0000-0000-0000-000000000000")).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0} in {1} -> {2}")
    @CsvSource({
        "'/base/(?<uuid>[0-9a-f]{32})/', /base/ab000000000000000000000000000000/rows, s1",
        "'dtable_uuid=([0-9a-f-]+)', /q/dtable_uuid=12345678-aaaa, s0",
        "'[0-9a-f]{8}', /x/zz/deadbeef, s1",
        "'/base/(?<uuid>[0-9a-f]{32})/', /other/ab000000000000000000000000000000/, none",
    })
    void aPatternFindsTheUuid(String pattern, String path, String expected) {
        UuidShardMap map = compile(new UuidMapConfig(pattern, Map.of("0-9", "s0", "a-f", "s1"), Map.of(), null,
                null));
        int server = map.route(path);
        assertThat(server < 0 ? "none" : SERVERS.get(server)).isEqualTo(expected);
    }

    /**
     * The compiled map agrees with the obvious evaluation of the same rules, one regex per rule tried in order
     * of priority, over many random UUIDs, half of them built to fall under some override.
     */
    @Test
    void agreesWithNaiveRegexEvaluation() {
        Random random = new Random(42);
        for (int round = 0; round < 20; round++) {
            Map<String, String> ranges = randomRanges(random);
            Map<String, String> overrides = new HashMap<>();
            List<String> prefixes = new ArrayList<>();
            int count = 1 + random.nextInt(200);
            for (int i = 0; i < count; i++) {
                String digits = randomHex(random, 1 + random.nextInt(random.nextBoolean() ? 6 : 32));
                if (overrides.putIfAbsent(dashed(digits), SERVERS.get(random.nextInt(4))) == null) {
                    prefixes.add(digits);
                }
            }
            String fallback = ranges.size() < 2 ? "s3" : null;
            UuidMapConfig config = new UuidMapConfig(null, ranges, overrides, fallback, null);
            UuidShardMap map = compile(config);
            Naive naive = new Naive(config);
            for (int i = 0; i < 2_000; i++) {
                String uuid;
                if (i % 2 == 0) {
                    uuid = UUID.randomUUID().toString();
                } else {
                    String p = prefixes.get(random.nextInt(prefixes.size()));
                    uuid = dashed(p + randomHex(random, 32 - p.length()));
                }
                if (random.nextBoolean()) {
                    uuid = uuid.toUpperCase();
                }
                String path = "/dtable-server/api/v1/dtables/" + uuid + "/rows/";
                assertThat(SERVERS.get(map.route(path))).as(path).isEqualTo(naive.route(path));
            }
        }
    }

    /**
     * The one-pass route (digits read while the UUID is recognised) agrees with finding the region first and then
     * reading its digits, on paths full of near-misses: dashes in the wrong places, runs too long, non-hex letters,
     * characters above the low byte whose low byte is a hex digit.
     */
    @Test
    void onePassAgreesWithFindThenLookup() {
        Random random = new Random(7);
        String alphabet = "0123456789abcdefABCDEF----/gz\u0146\u0166\uff46";
        for (int i = 0; i < 50_000; i++) {
            StringBuilder path = new StringBuilder("/");
            int length = random.nextInt(90);
            for (int k = 0; k < length; k++) {
                path.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            if (random.nextInt(3) == 0) {
                String uuid = UUID.randomUUID().toString();
                path.insert(random.nextInt(path.length() + 1), random.nextBoolean() ? uuid : uuid.toUpperCase());
            }
            String p = path.toString();
            long region = UuidFinder.FIRST_IN_PATH.find(p);
            int expected = region < 0 ? -1 : SEATABLE.lookup(p, UuidFinder.start(region), UuidFinder.end(region));
            assertThat(SEATABLE.route(p)).as(p).isEqualTo(expected);
        }
    }

    /** Priority-ordered regexes: overrides longest first (their dashes optional), then ranges, then default. */
    private static final class Naive {
        private final List<Map.Entry<Pattern, String>> rules = new ArrayList<>();
        private final String fallback;

        Naive(UuidMapConfig config) {
            List<Map.Entry<String, String>> overrides = new ArrayList<>(config.overrides().entrySet());
            overrides.sort(Comparator.comparingInt(
                    (Map.Entry<String, String> e) -> UuidMapConfig.normalizePrefix(e.getKey()).length()).reversed());
            for (Map.Entry<String, String> e : overrides) {
                StringBuilder regex = new StringBuilder("(?i)^");
                for (char c : UuidMapConfig.normalizePrefix(e.getKey()).toCharArray()) {
                    regex.append(c).append("-?");
                }
                rules.add(Map.entry(Pattern.compile(regex.toString()), e.getValue()));
            }
            for (Map.Entry<String, String> e : config.ranges().entrySet()) {
                rules.add(Map.entry(Pattern.compile("(?i)^[" + e.getKey() + "]"), e.getValue()));
            }
            fallback = config.defaultServer();
        }

        String route(String path) {
            var m = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
                    .matcher(path);
            assertThat(m.find()).isTrue();
            String uuid = m.group();
            for (Map.Entry<Pattern, String> rule : rules) {
                if (rule.getKey().matcher(uuid).find()) {
                    return rule.getValue();
                }
            }
            return fallback;
        }
    }

    private static Map<String, String> randomRanges(Random random) {
        Map<String, String> ranges = new LinkedHashMap<>();
        String hex = "0123456789abcdef";
        int c = 0;
        while (c < 16) {
            int to = Math.min(15, c + random.nextInt(6));
            String key = c == to ? hex.substring(c, c + 1) : hex.charAt(c) + "-" + hex.charAt(to);
            if (random.nextInt(5) > 0) {
                ranges.put(key, SERVERS.get(random.nextInt(4)));
            }
            c = to + 1;
        }
        if (ranges.size() < 16) {
            // Some characters may be uncovered; the test then sets a default server when few ranges remain.
            if (ranges.size() >= 2) {
                ranges.clear();
                ranges.put("0-7", "s0");
                ranges.put("8-f", "s1");
            }
        }
        return ranges;
    }

    private static String randomHex(Random random, int digits) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < digits; i++) {
            s.append("0123456789abcdef".charAt(random.nextInt(16)));
        }
        return s.toString();
    }

    private static String dashed(String digits) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < digits.length(); i++) {
            if (i == 8 || i == 12 || i == 16 || i == 20) {
                s.append('-');
            }
            s.append(digits.charAt(i));
        }
        return s.toString();
    }
}
