package dev.tether.core.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.http.PathNormalizer;
import dev.tether.core.http.RawRequestScanner;
import dev.tether.core.http.RequestValidator;
import dev.tether.core.log.ExchangeListener;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The property the request fuzzers check: bytes fed, in two reads split anywhere, through the request side of the
 * client pipeline (scanner, codec, validator) never produce a head a server was promised never to see, and never
 * throw or leak.
 */
final class RequestPipelineProperty {

    private RequestPipelineProperty() {}

    /** Feeds {@code bytes} in two reads cut at {@code split} and checks every head that gets through. */
    static void check(byte[] bytes, int split) {
        List<HttpRequest> passed = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(
                new RawRequestScanner(),
                new HttpServerCodec(8192 + 32, 32 * 1024, 16 * 1024),
                new RequestValidator("fuzz", ExchangeListener.NONE, RequestValidator.UnderscoreHeaders.DROP),
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (msg instanceof HttpRequest r && r.decoderResult().isSuccess()) {
                            passed.add(r);
                        }
                        ReferenceCountUtil.release(msg);
                    }
                });
        int cut = Math.min(split, bytes.length);
        ch.writeInbound(Unpooled.wrappedBuffer(bytes, 0, cut));
        if (ch.isActive()) {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, cut, bytes.length - cut));
        }
        ch.checkException();
        for (HttpRequest r : passed) {
            checkHead(r);
        }
        ch.finishAndReleaseAll();
    }

    private static void checkHead(HttpRequest r) {
        HttpVersion v = r.protocolVersion();
        assertThat(v.equals(HttpVersion.HTTP_1_0) || v.equals(HttpVersion.HTTP_1_1)).as("version %s", v).isTrue();
        List<String> hosts = r.headers().getAll(HttpHeaderNames.HOST);
        assertThat(hosts.size()).as("Host headers").isLessThanOrEqualTo(1);
        if (v.equals(HttpVersion.HTTP_1_1)) {
            assertThat(hosts).hasSize(1);
        }
        hosts.forEach(h -> assertThat(RequestValidator.validHost(h)).as("Host %s", h).isTrue());
        for (String te : r.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING)) {
            for (String coding : te.split(",", -1)) {
                assertThat(coding.trim()).isEqualToIgnoringCase("chunked");
            }
        }
        assertThat(r.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)
                && r.headers().contains(HttpHeaderNames.CONTENT_LENGTH)).as("CL and TE").isFalse();
        for (Map.Entry<String, String> e : r.headers()) {
            assertThat(e.getKey()).doesNotContain("_");
            assertThat(e.getValue()).doesNotContain("\r").doesNotContain("\n").doesNotContain("\0");
        }
        String uri = r.uri();
        if (uri.equals("*")) {
            assertThat(r.method()).isEqualTo(HttpMethod.OPTIONS);
        } else if (!HttpMethod.CONNECT.equals(r.method())) {
            assertThat(uri).startsWith("/");
            assertThat(PathNormalizer.normalize(uri)).as("normalised once").isEqualTo(uri);
        }
    }
}
