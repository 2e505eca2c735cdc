package dev.tether.core.frontend;

import dev.tether.core.log.ExchangeListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On a listener's server channel: keeps accepting from busy-looping or flooding the log when accept fails, as it does
 * when the process runs out of file descriptors ({@code EMFILE}).
 *
 * <p>A failed accept leaves the connection in the kernel's backlog, so trying again at once fails again at once.
 * Netty's {@code ServerBootstrapAcceptor} already stops reading for a second, but then logs the error at WARN on every
 * attempt. This handler sits before it and takes the event itself: it stops accepting for {@link #PAUSE_MILLIS},
 * logs one WARN when accepting starts failing and one INFO when a connection is accepted again, and counts every
 * failure ({@code tether_accept_errors_total}). Connections waiting meanwhile stay in the backlog and are accepted
 * as soon as descriptors free up.
 */
@ChannelHandler.Sharable
public final class AcceptPause extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(AcceptPause.class);

    static final long PAUSE_MILLIS = 1000;

    private final String listener;
    private final ExchangeListener events;
    // Only touched on the server channel's event loop.
    private boolean failing;
    private long failures;
    private long failingSinceNanos;

    public AcceptPause(String listener, ExchangeListener events) {
        this.listener = listener;
        this.events = events;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object child) {
        if (failing) {
            failing = false;
            log.info("listener {}: accepting connections again after {} ms ({} failed attempts)", listener,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - failingSinceNanos), failures);
        }
        ctx.fireChannelRead(child);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException)) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        events.acceptFailed(listener);
        if (!failing) {
            failing = true;
            failures = 0;
            failingSinceNanos = System.nanoTime();
            log.warn("listener {}: cannot accept connections: {}; waiting connections stay queued and accepting is "
                    + "retried every {} ms (raise the open-files limit, ulimit -n, if this is real traffic)",
                    listener, cause.getMessage(), PAUSE_MILLIS);
        }
        failures++;
        if (ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(false);
            ctx.executor().schedule(() -> {
                if (ctx.channel().isOpen()) {
                    ctx.channel().config().setAutoRead(true);
                }
            }, PAUSE_MILLIS, TimeUnit.MILLISECONDS);
        }
    }
}
