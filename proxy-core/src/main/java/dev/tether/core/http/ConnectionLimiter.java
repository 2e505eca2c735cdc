package dev.tether.core.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First handler of a client connection: admits it under its listener's {@link ConnectionLimits} or closes it at
 * once, before any byte is read, so a flood of connections from one address (or from everyone) cannot take every
 * slot. A refused connection never becomes active for the handlers behind this one, so metrics and the access
 * log only see admitted connections.
 *
 * <p>The client IP is the TCP peer: behind a load balancer that sends a PROXY header, the per-IP cap counts the
 * load balancer, so leave it at 0 there.
 */
public final class ConnectionLimiter extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ConnectionLimiter.class);
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final AtomicLong lastWarnNanos = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

    private final ConnectionLimits limits;
    private InetAddress client;
    private boolean admitted;

    public ConnectionLimiter(ConnectionLimits limits) {
        this.limits = limits;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        client = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        ConnectionLimits full = limits.tryAcquire(client);
        if (full != null) {
            warnNowAndThen(ctx, full);
            ctx.close();
            return;
        }
        admitted = true;
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (admitted) {
            admitted = false;
            limits.release(client);
            ctx.fireChannelInactive();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (admitted) {
            ctx.fireChannelRead(msg);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    /** One WARN a minute at most: a flood must not turn into a flood of log lines. */
    private static void warnNowAndThen(ChannelHandlerContext ctx, ConnectionLimits full) {
        long now = System.nanoTime();
        long last = lastWarnNanos.get();
        if (now - last >= WARN_EVERY_NANOS && lastWarnNanos.compareAndSet(last, now)) {
            log.warn("[{}] connection from {} refused: {} is full; raise the cap if this is real traffic "
                    + "(further refusals are logged at DEBUG for a minute)", ctx.channel().id(),
                    ctx.channel().remoteAddress(), full.describe());
        } else {
            log.debug("[{}] connection from {} refused: {} is full", ctx.channel().id(),
                    ctx.channel().remoteAddress(), full.describe());
        }
    }
}
