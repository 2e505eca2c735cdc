package dev.tether.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestHeadTest {

    @ParameterizedTest
    @CsvSource(value = {"cloud.example.com | cloud.example.com", "cloud.example.com:8443 | cloud.example.com",
        "[::1]:8080 | [::1]", "[::1] | [::1]", "127.0.0.1:80 | 127.0.0.1"}, delimiter = '|')
    void hostDropsThePort(String header, String host) {
        assertThat(RequestHead.of("GET", "/", Map.of("Host", header), null).host()).isEqualTo(host);
    }

    @Test
    void splitsTheQueryAndMatchesHeadersIgnoringCase() {
        RequestHead r = RequestHead.of("GET", "/a/b?x=1&y=2", Map.of("X-Tenant", "acme", "Cookie", "a=1; srv=z"),
                "192.0.2.7");
        assertThat(r.path()).isEqualTo("/a/b");
        assertThat(r.query()).isEqualTo("x=1&y=2");
        assertThat(r.header("x-tenant")).isEqualTo("acme");
        assertThat(r.header("X-TENANT")).isEqualTo("acme");
        assertThat(r.cookie("srv")).isEqualTo("z");
        assertThat(r.cookie("missing")).isNull();
        assertThat(RequestHead.of("GET", "/", Map.of(), null).query()).isNull();
    }
}
