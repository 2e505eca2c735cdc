package dev.tether.core.frontdoor;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.AttributeKey;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the PROXY protocol v1 or v2 header that a load balancer in front of Tether sends first on every
 * connection (HAProxy {@code bind ... accept-proxy}), and stores the client's address in {@link #SOURCE}.
 *
 * <p>Install with {@link #addTo(ChannelPipeline)}, first in the pipeline (before TLS and HTTP):
 * <pre>
 *   bytes -> HAProxyMessageDecoder -> ProxyProtocolHandler -> [SslHandler] -> HttpServerCodec -> ...
 *                 |  one header, then removes itself
 *                 v
 *            HAProxyMessage -> SOURCE attribute; handler removes itself
 * </pre>
 * A connection that does not start with a valid header is closed and nothing of it reaches the handlers after
 * this one. {@code LOCAL} headers (the balancer's own health checks) and {@code UNKNOWN}/unix sources leave
 * {@link #SOURCE} unset, so the TCP peer stays the client. Whether the source is believed is decided later by
 * {@link ClientAddress#resolve}, which only uses it when the TCP peer is a trusted proxy.
 *
 * <p>With {@code AUTO_READ} off, a read that carried only the header produced nothing for the next handlers,
 * so this handler asks for the next read itself.
 */
public final class ProxyProtocolHandler extends ChannelInboundHandlerAdapter {

    /** The client's address and port from the PROXY header; unset without a header or for LOCAL/UNKNOWN. */
    public static final AttributeKey<InetSocketAddress> SOURCE = AttributeKey.valueOf("tether.proxyProtocolSource");

    /** Pipeline names. */
    public static final String DECODER_NAME = "proxy-protocol-decoder";
    public static final String HANDLER_NAME = "proxy-protocol";

    private static final Logger log = LoggerFactory.getLogger(ProxyProtocolHandler.class);

    private boolean headerSeen;
    private boolean forwardedAfterHeader;

    /** Adds the decoder and this handler at the head of the pipeline. */
    public static void addTo(ChannelPipeline pipeline) {
        pipeline.addFirst(HANDLER_NAME, new ProxyProtocolHandler());
        pipeline.addFirst(DECODER_NAME, new HAProxyMessageDecoder());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HAProxyMessage header) {
            try {
                headerSeen = true;
                InetSocketAddress source = sourceOf(header);
                if (source != null) {
                    ctx.channel().attr(SOURCE).set(source);
                }
            } finally {
                header.release();
            }
            return;
        }
        if (!headerSeen) {
            // only after a failed header: the decoder closed the channel, so drop whatever it let through
            ReferenceCountUtil.release(msg);
            return;
        }
        forwardedAfterHeader = true;
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!headerSeen) {
            ctx.fireChannelReadComplete();
            return;
        }
        ctx.pipeline().remove(this);
        if (forwardedAfterHeader) {
            ctx.fireChannelReadComplete();
        } else if (!ctx.channel().config().isAutoRead()) {
            ctx.read();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!headerSeen) {
            // the decoder has already closed the connection; nothing was forwarded
            log.debug("[id: {}] bad PROXY protocol header from {}, connection closed: {}",
                    ctx.channel().id().asShortText(), ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    private static InetSocketAddress sourceOf(HAProxyMessage header) {
        if (header.command() != HAProxyCommand.PROXY) {
            return null;
        }
        HAProxyProxiedProtocol protocol = header.proxiedProtocol();
        if (protocol.addressFamily() != HAProxyProxiedProtocol.AddressFamily.AF_IPv4
                && protocol.addressFamily() != HAProxyProxiedProtocol.AddressFamily.AF_IPv6) {
            return null;
        }
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(header.sourceAddress());
        if (bytes == null) {
            return null;
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(bytes), header.sourcePort());
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }
}
