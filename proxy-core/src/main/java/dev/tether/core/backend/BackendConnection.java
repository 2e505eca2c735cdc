package dev.tether.core.backend;

import dev.tether.routing.model.Server;
import io.netty.channel.Channel;

/**
 * One TCP connection to a server with its HTTP client codec. Used by one exchange at a time; between exchanges
 * it waits in the {@link BackendPool} of its event loop.
 */
public final class BackendConnection {

    private final Channel channel;
    private final String serverId;
    private final BackendHandler handler;
    private int exchanges;
    /** When an idle pooled connection expires; the pool closes it then. */
    long idleDeadlineNanos;

    BackendConnection(Channel channel, Server server, BackendHandler handler) {
        this.channel = channel;
        this.serverId = server.id();
        this.handler = handler;
    }

    public Channel channel() {
        return channel;
    }

    public String serverId() {
        return serverId;
    }

    /** Whether this connection already carried an exchange (it came from the pool). */
    public boolean reused() {
        return exchanges > 1;
    }

    /** Hands the connection to an exchange; {@code null} when it goes idle. */
    public void attach(BackendListener listener) {
        if (listener != null) {
            exchanges++;
        }
        handler.listener(listener);
    }

    public boolean isUsable() {
        return channel.isActive() && !handler.sawUnexpectedInput();
    }
}
