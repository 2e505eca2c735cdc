package dev.tether.routing.match;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.routing.TestRequest;
import dev.tether.routing.config.RouteMatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathIndexTest {

    private static final PathIndex INDEX = new PathIndex(List.of("/api/", "", "/api/v1/", "/git/", "/api/", "/a"));

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(value = {
        "/api/v1/rows | 0 1 2 4 5",
        "/api/v2/rows | 0 1 4 5",
        "/api | 1 5",
        "/git/x | 1 3",
        "/other | 1",
        "'' | 1",
    }, delimiter = '|')
    void listsRulesWhosePrefixFitsInRuleOrder(String path, String expected) {
        StringBuilder got = new StringBuilder();
        for (int i : INDEX.candidates(path)) {
            got.append(got.length() == 0 ? "" : " ").append(i);
        }
        assertThat(got.toString()).isEqualTo(expected);
    }

    /** The index never changes which rule matches first, compared with trying every rule in order. */
    @Test
    void firstMatchAgreesWithALinearScan() {
        Random random = new Random(3);
        String[] segments = {"api", "v1", "v2", "git", "rows", "a", "ab", "x"};
        for (int round = 0; round < 50; round++) {
            List<RouteMatcher> rules = new ArrayList<>();
            List<String> prefixes = new ArrayList<>();
            int count = 1 + random.nextInt(40);
            for (int i = 0; i < count; i++) {
                String p = randomPath(random, segments);
                RouteMatch m;
                switch (random.nextInt(5)) {
                    case 0:
                        m = new RouteMatch(p, null, null, null, null, null);
                        break;
                    case 1:
                        m = new RouteMatch(null, p, null, null, null, null);
                        break;
                    case 2:
                        m = new RouteMatch(null, null, p + "[a-z0-9/]*", null, null, null);
                        break;
                    case 3:
                        m = new RouteMatch(null, null, p + "?.*", null, null, null);
                        break;
                    default:
                        m = new RouteMatch(null, null, null, random.nextBoolean() ? "h" : null, null, null);
                }
                RouteMatcher matcher = new RouteMatcher(m);
                rules.add(matcher);
                prefixes.add(matcher.requiredPrefix());
            }
            PathIndex index = new PathIndex(prefixes);
            for (int k = 0; k < 300; k++) {
                TestRequest request = TestRequest.get(randomPath(random, segments) + (random.nextBoolean() ? "/" : ""));
                if (random.nextBoolean()) {
                    request.host("h");
                }
                int linear = -1;
                for (int i = 0; i < rules.size() && linear < 0; i++) {
                    if (rules.get(i).matches(request)) {
                        linear = i;
                    }
                }
                int indexed = -1;
                for (int i : index.candidates(request.path())) {
                    if (rules.get(i).matches(request)) {
                        indexed = i;
                        break;
                    }
                }
                assertThat(indexed).as(request.path()).isEqualTo(linear);
            }
        }
    }

    private static String randomPath(Random random, String[] segments) {
        StringBuilder p = new StringBuilder();
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            p.append('/').append(segments[random.nextInt(segments.length)]);
        }
        return p.toString();
    }
}
