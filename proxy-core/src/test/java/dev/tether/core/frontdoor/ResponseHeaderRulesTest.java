package dev.tether.core.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.frontdoor.ResponseHeaderRules.Header;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResponseHeaderRulesTest {

    private static final String HSTS = "max-age=63072000; includeSubDomains; preload";

    @Test
    void setReplacesAddAppendsServedByNamesTheServer() {
        ResponseHeaderRules rules = new ResponseHeaderRules(
                List.of(Header.of("Link", "</app.css>; rel=preload")),
                List.of(Header.of("Strict-Transport-Security", HSTS)),
                true);
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("strict-transport-security", "max-age=0")
                .add("Link", "</a.js>; rel=preload")
                .add("X-Served-By", "forged");

        rules.apply(headers, "web2");

        assertThat(headers.getAll("Strict-Transport-Security")).containsExactly(HSTS);
        assertThat(headers.getAll("Link")).containsExactly("</a.js>; rel=preload", "</app.css>; rel=preload");
        assertThat(headers.getAll("X-Served-By")).containsExactly("web2");
    }

    @Test
    void noServedByWhenOffOrWhenTetherAnsweredItself() {
        HttpHeaders off = new DefaultHttpHeaders();
        new ResponseHeaderRules(List.of(), List.of(), false).apply(off, "web2");
        assertThat(off.contains("X-Served-By")).isFalse();

        HttpHeaders own = new DefaultHttpHeaders();
        new ResponseHeaderRules(List.of(), List.of(), true).apply(own, null);
        assertThat(own.contains("X-Served-By")).isFalse();

        HttpHeaders badName = new DefaultHttpHeaders();
        new ResponseHeaderRules(List.of(), List.of(), true).apply(badName, "web\r\nSet-Cookie: x");
        assertThat(badName.contains("X-Served-By")).isFalse();
        assertThat(ResponseHeaderRules.none().isEmpty()).isTrue();
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', value = {
        "X-A\\r\\nSet-Cookie: x=1 | ok | header name \"X-A\\r\\nSet-Cookie: x=1\" has CR at position 3",
        "X A                     | ok | header name \"X A\" has a space at position 1",
        "X-A:                    | ok | header name \"X-A:\" has ':' at position 3",
        "X-A | a\\r\\nSet-Cookie: x=1 | header X-A: value \"a\\r\\nSet-Cookie: x=1\" has CR at position 1",
        "X-A | a\\nb                 | header X-A: value \"a\\nb\" has LF at position 1",
        "X-A | a\\0b                 | header X-A: value \"a\\0b\" has NUL at position 1",
    })
    void crLfAndNulAreRefused(String name, String value, String message) {
        String realName = unescape(name);
        String realValue = unescape(value);
        assertThat(ResponseHeaderRules.problem(realName, realValue)).startsWith(message);
        assertThatThrownBy(() -> Header.of(realName, realValue)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void tabAndLatin1AreFine() {
        assertThat(ResponseHeaderRules.problem("X-A", "a\tb é")).isNull();
        assertThat(ResponseHeaderRules.problem("X-A", "snow ☃")).contains("character U+2603");
        assertThat(ResponseHeaderRules.problem("", "x")).isEqualTo("header name is empty");
    }

    private static String unescape(String text) {
        return text.replace("\\r", "\r").replace("\\n", "\n").replace("\\0", "\0");
    }
}
