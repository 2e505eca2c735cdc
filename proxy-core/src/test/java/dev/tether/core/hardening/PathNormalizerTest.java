package dev.tether.core.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.http.PathNormalizer;
import dev.tether.core.http.RequestValidator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathNormalizerTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "/                      | /",
        "/a/b                   | /a/b",
        "/a/b/                  | /a/b/",
        "//admin                | /admin",
        "/a//b///c              | /a/b/c",
        "/a/./b                 | /a/b",
        "/a/../admin            | /admin",
        "/a/b/..                | /a/",
        "/a/b/.                 | /a/b/",
        "/..                    | /",
        "/../../etc/passwd      | /etc/passwd",
        "/%61dmin               | /admin",
        "/%2e%2e/admin          | /admin",
        "/a/%2E%2E/admin        | /admin",
        "/%7euser               | /~user",
        "/a%2fb                 | /a%2Fb",
        "/a%20b                 | /a%20b",
        "/a%c3%a9               | /a%C3%A9",
        "/a/../b?x=/../y&z=%61  | /b?x=/../y&z=%61",
        "/a?b                   | /a?b",
        "/.hidden/..file        | /.hidden/..file",
        "/bad%zz                | NULL",
        "/bad%                  | NULL",
        "/bad%4                 | NULL",
    })
    void normalizes(String path, String expected) {
        assertThat(PathNormalizer.normalize(path)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} valid={1}")
    @CsvSource(delimiter = '|', value = {
        "tether.test            | true",
        "tether.test:8080       | true",
        "127.0.0.1:1            | true",
        "[::1]:8080             | true",
        "[::1]                  | true",
        "xn--bcher-kva.example  | true",
        "a_b.test               | true",
        "user@tether.test       | false",
        "a b                    | false",
        "tether.test:           | false",
        "tether.test:80x        | false",
        "tether.test:123456     | false",
        ":80                    | false",
        "[::1                   | false",
        "[::1]x                 | false",
        "a/b                    | false",
        "a\\b                   | false",
    })
    void validatesHost(String host, boolean valid) {
        assertThat(RequestValidator.validHost(host)).isEqualTo(valid);
    }
}
