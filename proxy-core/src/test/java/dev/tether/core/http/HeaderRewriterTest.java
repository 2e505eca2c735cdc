package dev.tether.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.routing.CookieAction;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class HeaderRewriterTest {

    private static final CookieAction.Rewrite PREFIX = new CookieAction.Rewrite("JSESSIONID", "0a1b2c3d", true, true);

    @Test
    void prefixEditsOurSetCookieOnlyKeepsTheOrderAndAddsNocache() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add(HttpHeaderNames.SET_COOKIE, "a=1; Path=/")
                .add(HttpHeaderNames.SET_COOKIE, "JSESSIONID=abc; Path=/app; HttpOnly")
                .add(HttpHeaderNames.SET_COOKIE, "b=2");
        assertThat(HeaderRewriter.rewriteSetCookies(headers, PREFIX)).isTrue();
        assertThat(headers.getAll(HttpHeaderNames.SET_COOKIE))
                .containsExactly("a=1; Path=/", "JSESSIONID=0a1b2c3d~abc; Path=/app; HttpOnly", "b=2");
        assertThat(headers.get(HttpHeaderNames.CACHE_CONTROL)).isEqualTo("private");
    }

    @Test
    void aResponseWithoutOurCookieIsLeftAlone() {
        HttpHeaders headers = new DefaultHttpHeaders().add(HttpHeaderNames.SET_COOKIE, "a=1");
        assertThat(HeaderRewriter.rewriteSetCookies(headers, PREFIX)).isFalse();
        assertThat(headers.getAll(HttpHeaderNames.SET_COOKIE)).containsExactly("a=1");
        assertThat(headers.contains(HttpHeaderNames.CACHE_CONTROL)).isFalse();
        assertThat(HeaderRewriter.rewriteSetCookies(new DefaultHttpHeaders(), PREFIX)).isFalse();
    }

    @Test
    void editDropsValuesAnsweredWithNullAndKeepsTheRestInOrder() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add(HttpHeaderNames.COOKIE, "a=1")
                .add(HttpHeaderNames.COOKIE, "drop")
                .add(HttpHeaderNames.COOKIE, "b=2");
        assertThat(HeaderRewriter.edit(headers, HttpHeaderNames.COOKIE, v -> v.equals("drop") ? null : v)).isTrue();
        assertThat(headers.getAll(HttpHeaderNames.COOKIE)).containsExactly("a=1", "b=2");
        assertThat(HeaderRewriter.edit(headers, HttpHeaderNames.COOKIE, v -> v)).isFalse();
    }
}
