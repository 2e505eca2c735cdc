package dev.tether.core.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.tether.core.testing.LeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@ExtendWith(LeakCheck.class)
class HttpsRedirectHandlerTest {

    @ParameterizedTest(name = "{0} Host: {1} -> {3}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "/project/5f2a?x=1&y=%20 | www.example.com      | 443  | https://www.example.com/project/5f2a?x=1&y=%20",
        "/                       | example.com:80       | 443  | https://example.com/",
        "/login                  | example.com:8080     | 8443 | https://example.com:8443/login",
        "/a?b                    | [2001:db8::1]:80     | 443  | https://[2001:db8::1]/a?b",
        "/a                      | 127.0.0.1            | 443  | https://127.0.0.1/a",
        "http://example.com/a?b  | other.example        | 443  | https://example.com/a?b",
        "http://example.com?b=1  | -                    | 443  | https://example.com/?b=1",
        "http://example.com      | -                    | 443  | https://example.com/",
        "/a                      | -                    | 443  | -",
        "/a                      | ''                   | 443  | -",
        "/a                      | evil.com/x           | 443  | -",
        "/a                      | user@evil.com        | 443  | -",
        "/a                      | example.com:http     | 443  | -",
        "/a                      | [::1                 | 443  | -",
        "*                       | example.com          | 443  | -",
        "example.com:443         | example.com          | 443  | -",
    })
    void location(String uri, String host, int port, String expected) {
        DefaultHttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        if (host != null) {
            request.headers().set("Host", host);
        }
        assertThat(HttpsRedirectHandler.location(request, port)).isEqualTo(expected);
    }

    @Test
    void redirectsAndKeepsTheConnection() {
        EmbeddedChannel channel = channel(301, 443);
        channel.writeInbound(ascii("GET /docs?page=2 HTTP/1.1\r\nHost: www.example.com\r\n\r\n"));
        String response = readResponse(channel);
        assertThat(response).startsWith("HTTP/1.1 301 Moved Permanently\r\n")
                .contains("location: https://www.example.com/docs?page=2\r\n")
                .contains("content-length: 0\r\n")
                .doesNotContain("connection: close");
        assertThat(channel.isOpen()).isTrue();

        channel.writeInbound(ascii("GET /next HTTP/1.1\r\nHost: www.example.com\r\n\r\n"));
        assertThat(readResponse(channel)).contains("location: https://www.example.com/next\r\n");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() {
        EmbeddedChannel channel = channel(308, 8443);
        channel.writeInbound(ascii("GET /1 HTTP/1.1\r\nHost: a.test\r\n\r\nHEAD /2 HTTP/1.1\r\nHost: a.test\r\n\r\n"));
        String responses = readResponse(channel);
        assertThat(responses).containsSubsequence("HTTP/1.1 308 Permanent Redirect", "https://a.test:8443/1",
                "HTTP/1.1 308 Permanent Redirect", "https://a.test:8443/2");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void clientAskingForCloseGetsClose() {
        EmbeddedChannel channel = channel(302, 443);
        channel.writeInbound(ascii("GET / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n"));
        assertThat(readResponse(channel)).startsWith("HTTP/1.1 302 Found").contains("connection: close");
        assertThat(channel.isOpen()).isFalse();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void http10WithoutKeepAliveIsClosed() {
        EmbeddedChannel channel = channel(301, 443);
        channel.writeInbound(ascii("GET /old HTTP/1.0\r\nHost: a.test\r\n\r\n"));
        assertThat(readResponse(channel)).contains("location: https://a.test/old");
        assertThat(channel.isOpen()).isFalse();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void http10KeepAliveIsHonoured() {
        EmbeddedChannel channel = channel(301, 443);
        channel.writeInbound(ascii("GET /old HTTP/1.0\r\nHost: a.test\r\nConnection: keep-alive\r\n\r\n"));
        assertThat(readResponse(channel)).contains("connection: keep-alive");
        assertThat(channel.isOpen()).isTrue();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void requestWithBodyIsRedirectedAndClosedAndTheBodyReleased() {
        EmbeddedChannel channel = channel(307, 443);
        channel.writeInbound(ascii("POST /upload HTTP/1.1\r\nHost: a.test\r\nContent-Length: 11\r\n\r\nhello"));
        assertThat(readResponse(channel)).startsWith("HTTP/1.1 307 Temporary Redirect")
                .contains("location: https://a.test/upload").contains("connection: close");
        assertThat(channel.isOpen()).isFalse();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void chunkedBodyIsReleasedAsItArrives() {
        EmbeddedChannel channel = channel(301, 443);
        channel.writeInbound(ascii("POST /u HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n0\r\n\r\n"));
        assertThat(readResponse(channel)).contains("connection: close");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void noHostIsABadRequest() {
        EmbeddedChannel channel = channel(301, 443);
        channel.writeInbound(ascii("GET / HTTP/1.0\r\n\r\n"));
        assertThat(readResponse(channel)).startsWith("HTTP/1.1 400 Bad Request").doesNotContain("location");
        assertThat(channel.isOpen()).isFalse();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void unparsableRequestIsABadRequest() {
        EmbeddedChannel channel = channel(301, 443);
        channel.writeInbound(ascii("GET / HTTP/1.1\r\nHost: a.test\r\nBad Header\r\n\r\n"));
        assertThat(readResponse(channel)).startsWith("HTTP/1.1 400 Bad Request");
        assertThat(channel.isOpen()).isFalse();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void asksForEachReadWhenAutoReadIsOff() {
        int[] reads = {0};
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAutoRead(false);
        channel.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
            @Override
            public void read(ChannelHandlerContext ctx) {
                reads[0]++;
                ctx.read();
            }
        }, new HttpServerCodec(), new HttpsRedirectHandler(301, 443));
        channel.pipeline().fireChannelActive();
        assertThat(reads[0]).isEqualTo(1);
        channel.writeInbound(ascii("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n"));
        assertThat(reads[0]).isEqualTo(2);
        assertThat(readResponse(channel)).startsWith("HTTP/1.1 301");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void connectionErrorsCloseQuietly() {
        EmbeddedChannel channel = channel(301, 443);
        channel.pipeline().fireExceptionCaught(new java.io.IOException("Connection reset by peer"));
        assertThat(channel.isOpen()).isFalse();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void onlyRedirectStatusesAreAccepted() {
        assertThatThrownBy(() -> new HttpsRedirectHandler(200, 443))
                .hasMessage("redirect status 200 (expected one of 301, 302, 303, 307, 308)");
        assertThatThrownBy(() -> new HttpsRedirectHandler(301, 0)).hasMessageContaining("https port 0");
    }

    private static EmbeddedChannel channel(int status, int port) {
        return new EmbeddedChannel(new HttpServerCodec(), new HttpsRedirectHandler(status, port));
    }

    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    private static String readResponse(EmbeddedChannel channel) {
        StringBuilder text = new StringBuilder();
        for (Object msg = channel.readOutbound(); msg != null; msg = channel.readOutbound()) {
            ByteBuf buf = (ByteBuf) msg;
            text.append(buf.toString(StandardCharsets.US_ASCII));
            buf.release();
        }
        return text.toString();
    }
}
