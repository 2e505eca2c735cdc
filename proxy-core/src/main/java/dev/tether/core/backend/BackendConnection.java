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
    private final ResponseChunkScanner scanner;
    private int exchanges;
    /** When an idle pooled connection expires; the pool closes it then. */
    long idleDeadlineNanos;

    BackendConnection(Channel channel, Server server, BackendHandler handler, ResponseChunkScanner scanner) {
        this.scanner = scanner;
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

    /** Call before writing a request head: the answer to a HEAD request has no body whatever it says. */
    public void sendingRequest(boolean head) {
        scanner.expectBodyless(head);
    }

    /** Whether {@code message} from this connection reports response framing the proxy refuses to relay. */
    public static boolean isFramingRefusal(Object message) {
        return message instanceof ResponseChunkScanner.Refusal;
    }

    public boolean isUsable() {
        return channel.isActive() && !handler.sawUnexpectedInput();
    }
}
