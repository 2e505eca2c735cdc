package dev.tether.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.tether.core.metrics.ProxyMetrics;
import dev.tether.core.testing.LeakCheck;
import dev.tether.core.metrics.Tables;
import dev.tether.routing.RoutingTable;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** AdminHandler on an EmbeddedChannel: answers, closes when it must, and releases every buffer. */
@ExtendWith(LeakCheck.class)
class AdminHandlerTest {

    private final RoutingTable table = Tables.apiAndWeb();
    private final ProxyMetrics metrics = new ProxyMetrics(() -> table);

    private EmbeddedChannel channel(AdminConfig config) {
        Map<String, AdminEndpoint> endpoints = new ConcurrentHashMap<>();
        endpoints.put("/metrics", r -> AdminResponse.of(200, ProxyMetrics.CONTENT_TYPE, metrics.scrape()));
        endpoints.put("/echo", r -> AdminResponse.text(200, r.method() + " " + r.body()));
        return new EmbeddedChannel(new AdminHandler(config.parsedCidrs(), config, endpoints));
    }

    private static FullHttpRequest request(HttpMethod method, String uri, String body) {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    }

    private static String bodyOf(FullHttpResponse response) {
        try {
            return response.content().toString(StandardCharsets.UTF_8);
        } finally {
            response.release();
        }
    }

    @Test
    void answersAndKeepsTheConnectionOpen() {
        EmbeddedChannel ch = channel(AdminConfig.onPort(0));

        ch.writeInbound(request(HttpMethod.POST, "/echo?x=1", "hello"));
        FullHttpResponse response = ch.readOutbound();

        assertThat(response.status().code()).isEqualTo(200);
        assertThat(response.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(11);
        assertThat(bodyOf(response)).isEqualTo("POST hello\n");
        assertThat(ch.isOpen()).isTrue();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void headGetsHeadersOnly() {
        EmbeddedChannel ch = channel(AdminConfig.onPort(0));

        ch.writeInbound(request(HttpMethod.HEAD, "/metrics", ""));
        FullHttpResponse response = ch.readOutbound();

        assertThat(response.status().code()).isEqualTo(200);
        assertThat(response.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isPositive();
        assertThat(bodyOf(response)).isEmpty();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aPeerThatIsNotAnIpAddressIsRefusedWhenCidrsAreSet() {
        EmbeddedChannel ch = channel(new AdminConfig("127.0.0.1", 0, "/stats", List.of("127.0.0.0/8"), null, null));

        ch.writeInbound(request(HttpMethod.GET, "/metrics", "ignored body"));
        FullHttpResponse response = ch.readOutbound();

        assertThat(response.status().code()).isEqualTo(403);
        assertThat(bodyOf(response)).isEqualTo("403 Forbidden\n");
        assertThat(ch.isOpen()).isFalse();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void unauthorisedRequestsAreReleasedToo() {
        EmbeddedChannel ch = channel(new AdminConfig("127.0.0.1", 0, "/stats", List.of(), "ops", "pw"));

        ch.writeInbound(request(HttpMethod.POST, "/echo", "a body nobody reads"));
        FullHttpResponse response = ch.readOutbound();

        assertThat(response.status().code()).isEqualTo(401);
        response.release();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void connectionCloseIsHonoured() {
        EmbeddedChannel ch = channel(AdminConfig.onPort(0));
        FullHttpRequest request = request(HttpMethod.GET, "/metrics", "");
        request.headers().set(HttpHeaderNames.CONNECTION, "close");

        ch.writeInbound(request);
        FullHttpResponse response = ch.readOutbound();

        assertThat(response.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
        response.release();
        assertThat(ch.isOpen()).isFalse();
        assertFalse(ch.finishAndReleaseAll());
    }
}
