package dev.tether.core.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.tether.core.testing.LeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(LeakCheck.class)
class ProxyProtocolHandlerTest {

    private static final String REQUEST = "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n";

    private final ReadCounter reads = new ReadCounter();

    private EmbeddedChannel channel(boolean autoRead) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAutoRead(autoRead);
        ProxyProtocolHandler.addTo(channel.pipeline());
        channel.pipeline().addFirst(reads);
        return channel;
    }

    @Test
    void v1HeaderThenRequestInOneRead() {
        EmbeddedChannel channel = channel(true);
        channel.writeInbound(ascii("PROXY TCP4 198.51.100.7 10.0.0.1 56324 443\r\n" + REQUEST));

        assertThat(channel.attr(ProxyProtocolHandler.SOURCE).get())
                .isEqualTo(new InetSocketAddress("198.51.100.7", 56324));
        assertThat(readAll(channel)).isEqualTo(REQUEST);
        assertThat(channel.pipeline().get(ProxyProtocolHandler.DECODER_NAME)).isNull();
        assertThat(channel.pipeline().get(ProxyProtocolHandler.HANDLER_NAME)).isNull();
        assertThat(channel.isOpen()).isTrue();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void v1HeaderSplitAcrossReadsAndAloneAsksForTheNextReadWhenAutoReadIsOff() {
        EmbeddedChannel channel = channel(false);
        channel.writeInbound(ascii("PROXY TCP6 2001:db8::7 2001:db8::1 4711"));
        assertThat(channel.attr(ProxyProtocolHandler.SOURCE).get()).isNull();
        int before = reads.count;
        channel.writeInbound(ascii(" 443\r\n"));
        assertThat(channel.attr(ProxyProtocolHandler.SOURCE).get())
                .isEqualTo(new InetSocketAddress("2001:db8::7", 4711));
        assertThat(reads.count).as("nothing reached the HTTP handlers, so the next read must be asked for")
                .isGreaterThan(before);
        channel.writeInbound(ascii(REQUEST));
        assertThat(readAll(channel)).isEqualTo(REQUEST);
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void v2Tcp4() {
        EmbeddedChannel channel = channel(true);
        ByteBuf header = v2(HAProxyCommand.PROXY, HAProxyProxiedProtocol.TCP4, "198.51.100.7", "10.0.0.1", 56324, 443);
        channel.writeInbound(Unpooled.wrappedBuffer(header, ascii(REQUEST)));

        assertThat(channel.attr(ProxyProtocolHandler.SOURCE).get())
                .isEqualTo(new InetSocketAddress("198.51.100.7", 56324));
        assertThat(readAll(channel)).isEqualTo(REQUEST);
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void v2Tcp6() {
        EmbeddedChannel channel = channel(true);
        channel.writeInbound(v2(HAProxyCommand.PROXY, HAProxyProxiedProtocol.TCP6, "2001:db8::7", "2001:db8::1",
                4711, 443));
        channel.writeInbound(ascii(REQUEST));
        assertThat(channel.attr(ProxyProtocolHandler.SOURCE).get())
                .isEqualTo(new InetSocketAddress("2001:db8::7", 4711));
        assertThat(readAll(channel)).isEqualTo(REQUEST);
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void v2LocalIsTheBalancersOwnCheckAndLeavesTheSourceUnset() {
        EmbeddedChannel channel = channel(true);
        channel.writeInbound(v2(HAProxyCommand.LOCAL, HAProxyProxiedProtocol.UNKNOWN, null, null, 0, 0));
        channel.writeInbound(ascii(REQUEST));
        assertThat(channel.attr(ProxyProtocolHandler.SOURCE).get()).isNull();
        assertThat(readAll(channel)).isEqualTo(REQUEST);
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void v1UnknownLeavesTheSourceUnset() {
        EmbeddedChannel channel = channel(true);
        channel.writeInbound(ascii("PROXY UNKNOWN\r\n" + REQUEST));
        assertThat(channel.attr(ProxyProtocolHandler.SOURCE).get()).isNull();
        assertThat(readAll(channel)).isEqualTo(REQUEST);
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {
        REQUEST, // a client talking HTTP straight to a PROXY listener
        "PROXY TCP4 999.51.100.7 10.0.0.1 56324 443\r\n" + REQUEST,
        "PROXY TCP4 198.51.100.7 10.0.0.1 99999 443\r\n" + REQUEST,
        "PROXY TCP5 198.51.100.7 10.0.0.1 1 443\r\n" + REQUEST,
        "PROXY TCP4 198.51.100.7\r\n" + REQUEST,
    })
    void malformedHeaderClosesAndForwardsNothing(String input) {
        EmbeddedChannel channel = channel(true);
        channel.writeInbound(ascii(input));
        assertThat(channel.isOpen()).isFalse();
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(channel.attr(ProxyProtocolHandler.SOURCE).get()).isNull();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void overlongV1LineCloses() {
        EmbeddedChannel channel = channel(true);
        channel.writeInbound(ascii("PROXY TCP4 " + "1".repeat(200)));
        assertThat(channel.isOpen()).isFalse();
        assertThat((Object) channel.readInbound()).isNull();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void badV2VersionCloses() {
        EmbeddedChannel channel = channel(true);
        ByteBuf header = v2(HAProxyCommand.PROXY, HAProxyProxiedProtocol.TCP4, "198.51.100.7", "10.0.0.1", 1, 2);
        header.setByte(12, 0x31); // protocol version 3
        channel.writeInbound(Unpooled.wrappedBuffer(header, ascii(REQUEST)));
        assertThat(channel.isOpen()).isFalse();
        assertThat((Object) channel.readInbound()).isNull();
        assertFalse(channel.finishAndReleaseAll());
    }

    private static ByteBuf v2(HAProxyCommand command, HAProxyProxiedProtocol protocol, String source,
            String destination, int sourcePort, int destinationPort) {
        EmbeddedChannel encoder = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
        encoder.writeOutbound(new HAProxyMessage(HAProxyProtocolVersion.V2, command, protocol, source, destination,
                sourcePort, destinationPort));
        ByteBuf bytes = encoder.readOutbound();
        assertFalse(encoder.finishAndReleaseAll());
        return bytes;
    }

    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    private static String readAll(EmbeddedChannel channel) {
        StringBuilder text = new StringBuilder();
        for (ByteBuf buf = channel.readInbound(); buf != null; buf = channel.readInbound()) {
            text.append(buf.toString(StandardCharsets.US_ASCII));
            buf.release();
        }
        return text.toString();
    }

    private static final class ReadCounter extends ChannelOutboundHandlerAdapter {
        int count;

        @Override
        public void read(ChannelHandlerContext ctx) {
            count++;
            ctx.read();
        }
    }
}
