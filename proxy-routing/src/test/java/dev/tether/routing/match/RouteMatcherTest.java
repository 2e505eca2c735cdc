package dev.tether.routing.match;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.routing.TestRequest;
import dev.tether.routing.config.RouteMatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouteMatcherTest {

    @ParameterizedTest(name = "prefix={0} exact={1} regex={2} host={3} header={4}:{5} | {6} host {7} -> {8}")
    @CsvSource(value = {
        "/git/ | - | - | - | - | - | /git/repo | - | true",
        "/git/ | - | - | - | - | - | /gitx | - | false",
        "- | /status | - | - | - | - | /status | - | true",
        "- | /status | - | - | - | - | /status/ | - | false",
        "- | - | /api/v[0-9]+/.* | - | - | - | /api/v2/rows | - | true",
        "- | - | /api/v[0-9]+/.* | - | - | - | /x/api/v2/rows | - | false",
        "- | - | - | Cloud.Example.com | - | - | / | cloud.example.com | true",
        "- | - | - | cloud.example.com | - | - | / | other.example.com | false",
        "- | - | - | cloud.example.com | - | - | / | - | false",
        "- | - | - | - | X-Tenant | - | / | - | true",
        "- | - | - | - | X-Missing | - | / | - | false",
        "- | - | - | - | X-Tenant | acme | / | - | true",
        "- | - | - | - | X-Tenant | other | / | - | false",
        "/api/ | - | .*/rows | h | X-Tenant | acme | /api/t/rows | h | true",
        "/api/ | - | .*/rows | h | X-Tenant | acme | /api/t/cols | h | false",
        "- | - | - | - | - | - | /anything | - | true",
    }, delimiter = '|', nullValues = "-")
    void everyConditionThatIsSetMustHold(String prefix, String exact, String regex, String host, String header,
            String headerValue, String path, String requestHost, boolean expected) {
        RouteMatcher m = new RouteMatcher(new RouteMatch(prefix, exact, regex, host, header, headerValue));
        TestRequest request = TestRequest.get(path).header("X-Tenant", "acme");
        if (requestHost != null) {
            request.host(requestHost);
        }
        assertThat(m.matches(request)).isEqualTo(expected);
        assertThat(m.matches(request)).as("second evaluation reuses the matcher").isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void aBadRegexNamesTheKey() {
        assertThatThrownBy(() -> new RouteMatcher(new RouteMatch(null, null, "/api/(", null, null, null)))
                .hasMessageContaining("path-regex = /api/(: not a valid Java regex");
    }

    @ParameterizedTest(name = "{0} -> [{1}]")
    @CsvSource(value = {
        "/api/v[0-9]+/.* ; /api/v",
        "^/git/.* ; /git/",
        "/api/v1? ; /api/v",
        "/api/v1* ; /api/v",
        "/api/v1{2} ; /api/v",
        "/api/v1+ ; /api/v1",
        "/a|/b ; ''",
        "(?i)/api/ ; ''",
        "\\d+/x ; ''",
        "/exact/path ; /exact/path",
    }, delimiter = ';')
    void literalPrefixIsConservative(String regex, String prefix) {
        assertThat(RouteMatcher.literalPrefix(regex)).isEqualTo(prefix);
    }

    @ParameterizedTest
    @CsvSource({"/api/v1?/x, /api/v/x, true", "/api/v1?/x, /api/v1/x, true", "/api/v1*, /api/v, true",
        "(?i)/API/.*, /api/x, true", "/a|/b, /b, true", "/api/v[0-9]+, /apx/v1, false"})
    void thePrefixNeverRejectsAMatch(String regex, String path, boolean expected) {
        RouteMatcher m = new RouteMatcher(new RouteMatch(null, null, regex, null, null, null));
        assertThat(m.matches(TestRequest.get(path))).isEqualTo(expected);
    }
}
