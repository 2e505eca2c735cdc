package dev.tether.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** The short responses Tether sends itself: 400, 408, 413, 414, 431, 502, 503, 504 and friends. */
public final class ErrorResponses {

    private ErrorResponses() {}

    /**
     * A complete response with a one-line plain-text body.
     *
     * @param close add {@code Connection: close}; the caller closes after writing
     */
    public static FullHttpResponse build(ByteBufAllocator alloc, int status, String message, boolean close) {
        HttpResponseStatus s = HttpResponseStatus.valueOf(status);
        String text = status + " " + s.reasonPhrase() + ": " + clean(message) + "\n";
        ByteBuf body = alloc.buffer(text.length());
        body.writeCharSequence(text, StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, s, body);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN + "; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        if (close) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
    }

    /** Messages may quote request data; nothing Tether writes may carry CR, LF or NUL. */
    static String clean(String message) {
        StringBuilder b = new StringBuilder(message.length());
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? ' ' : c);
        }
        return b.toString();
    }
}
