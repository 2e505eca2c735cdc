package dev.tether.routing.sticky;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServerCookiesTest {

    @ParameterizedTest(name = "prefix: [{0}] -> [{1}]")
    @CsvSource(delimiter = '|', value = {
        "JSESSIONID=abc123; Path=/; HttpOnly            | JSESSIONID=s1~abc123; Path=/; HttpOnly",
        "JSESSIONID=abc123                              | JSESSIONID=s1~abc123",
        "JSESSIONID=\"abc\"; Secure                       | JSESSIONID=\"s1~abc\"; Secure",
        "JSESSIONID=; Max-Age=0; Path=/                 | JSESSIONID=s1~; Max-Age=0; Path=/",
        "' JSESSIONID = abc ;Path=/app'                 | ' JSESSIONID = s1~abc ;Path=/app'",
        "OTHER=abc; Path=/                              | OTHER=abc; Path=/",
        "JSESSIONIDX=abc                                | JSESSIONIDX=abc",
        "XJSESSIONID=abc                                | XJSESSIONID=abc",
        "JSESSIONID                                     | JSESSIONID",
        "'JSESSIONID=a~b; Expires=Wed, 21 Oct 2026 07:28:00 GMT' | 'JSESSIONID=s1~a~b; Expires=Wed, 21 Oct 2026 07:28:00 GMT'",
    })
    void prefixEditsOnlyTheValueOfOurCookie(String header, String expected) {
        assertThat(ServerCookies.rewriteSetCookie(header, "JSESSIONID", "s1", true)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "rewrite: [{0}] -> [{1}]")
    @CsvSource(delimiter = '|', value = {
        "SRV=whatever; Path=/; HttpOnly; SameSite=Lax | SRV=s1; Path=/; HttpOnly; SameSite=Lax",
        "SRV=\"quoted\"                                | SRV=s1",
        "SRV=                                         | SRV=s1",
        "SRVX=a; Path=/                               | SRVX=a; Path=/",
    })
    void rewriteReplacesTheValueAndKeepsTheAttributes(String header, String expected) {
        assertThat(ServerCookies.rewriteSetCookie(header, "SRV", "s1", false)).isEqualTo(expected);
    }

    @Test
    void aHeaderWithAControlCharacterIsLeftAlone() {
        for (String header : List.of("JSESSIONID=a\rb", "JSESSIONID=a\nSet-Cookie: x=1", "JSESSIONID=a\0b",
                "JSESSIONID=a; Path=/\u007f")) {
            assertThat(ServerCookies.rewriteSetCookie(header, "JSESSIONID", "s1", true)).isSameAs(header);
            assertThat(ServerCookies.rewriteSetCookie(header, "JSESSIONID", "s1", false)).isSameAs(header);
        }
        // A tab is allowed whitespace, not a control character to refuse.
        assertThat(ServerCookies.rewriteSetCookie("JSESSIONID=a;\tPath=/", "JSESSIONID", "s1", true))
                .isEqualTo("JSESSIONID=s1~a;\tPath=/");
    }

    @ParameterizedTest(name = "unprefix: [{0}] -> [{1}]")
    @CsvSource(delimiter = '|', value = {
        "JSESSIONID=s1~abc                               | JSESSIONID=abc",
        "a=1; JSESSIONID=s1~abc; b=2                     | a=1; JSESSIONID=abc; b=2",
        "a=1;JSESSIONID=s1~abc;b=x~y                     | a=1;JSESSIONID=abc;b=x~y",
        "JSESSIONID=\"s1~abc\"; theme=dark                 | JSESSIONID=\"abc\"; theme=dark",
        "JSESSIONID=forged~abc                           | JSESSIONID=abc",
        "JSESSIONID=s1~a~b                               | JSESSIONID=a~b",
        "JSESSIONID=s1~abc; x=1; JSESSIONID=s2~def       | JSESSIONID=abc; x=1; JSESSIONID=def",
        "XJSESSIONID=s1~abc; JSESSIONIDX=s1~abc          | XJSESSIONID=s1~abc; JSESSIONIDX=s1~abc",
        "other=s1~abc                                    | other=s1~abc",
        "JSESSIONID=s1~                                  | JSESSIONID=",
        "JSESSIONID=~abc                                 | JSESSIONID=abc",
    })
    void unprefixRemovesTheIdAndKeepsEveryOtherCookieInOrder(String header, String expected) {
        assertThat(ServerCookies.unprefix(header, "JSESSIONID")).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"JSESSIONID=abc", "a=1; b=2", "JSESSIONID=abc; other=s1~x", "''"})
    void unprefixWithNothingToRemoveReturnsTheSameInstance(String header) {
        assertThat(ServerCookies.unprefix(header, "JSESSIONID")).isSameAs(header);
    }
}
