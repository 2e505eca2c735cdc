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
 * attempt. This handler sits before it and takes the event itself: it stops accepting for {@link #PAUSE_MILLIS} and
 * counts every failure ({@code tether_accept_errors_total}). It logs one WARN when accepting starts failing and one
 * INFO once accepting has worked for {@link #QUIET_MILLIS} with no failure: while descriptors are short, one closing
 * socket (a health check's, say) lets one accept through before the next fails, and that is still the same episode.
 * Connections waiting meanwhile stay in the backlog and are accepted as soon as descriptors free up.
 */
@ChannelHandler.Sharable
public final class AcceptPause extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(AcceptPause.class);

    static final long PAUSE_MILLIS = 1000;
    static final long QUIET_MILLIS = 5000;

    private final String listener;
    private final ExchangeListener events;
    // Only touched on the server channel's event loop.
    private boolean failing;
    private boolean recoveryCheckScheduled;
    private long failures;
    private long failingSinceNanos;
    private long lastFailureNanos;

    public AcceptPause(String listener, ExchangeListener events) {
        this.listener = listener;
        this.events = events;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object child) {
        if (failing && !recoveryCheckScheduled) {
            recoveryCheckScheduled = true;
            ctx.executor().schedule(() -> checkRecovered(ctx), QUIET_MILLIS, TimeUnit.MILLISECONDS);
        }
        ctx.fireChannelRead(child);
    }

    /** Runs {@link #QUIET_MILLIS} after an accept that followed failures: ends the episode if none failed since. */
    private void checkRecovered(ChannelHandlerContext ctx) {
        long quietNanos = System.nanoTime() - lastFailureNanos;
        if (quietNanos < TimeUnit.MILLISECONDS.toNanos(QUIET_MILLIS)) {
            ctx.executor().schedule(() -> checkRecovered(ctx),
                    TimeUnit.MILLISECONDS.toNanos(QUIET_MILLIS) - quietNanos, TimeUnit.NANOSECONDS);
            return;
        }
        recoveryCheckScheduled = false;
        failing = false;
        log.info("listener {}: accepting connections again; accepts failed for {} ms ({} failed attempts)", listener,
                TimeUnit.NANOSECONDS.toMillis(lastFailureNanos - failingSinceNanos), failures);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException)) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        events.acceptFailed(listener);
        lastFailureNanos = System.nanoTime();
        if (!failing) {
            failing = true;
            failures = 0;
            failingSinceNanos = lastFailureNanos;
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
