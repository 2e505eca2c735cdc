package dev.tether.core.backend;

import dev.tether.core.Transport;
import dev.tether.core.config.BackendTimeouts;
import dev.tether.core.log.ExchangeListener;
import dev.tether.routing.model.Server;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Gives an exchange a connection to a server on the exchange's own event loop: an idle pooled one when there is
 * one, else a new one with the backend's connect timeout.
 *
 * <p>Pools are per event loop (a {@link FastThreadLocal}), so a connection never crosses threads and the pool
 * needs no locks. A pooled connection is closed after {@code pool.idle-timeout}, which should stay below the
 * servers' own keep-alive timeout so Tether, not the server, closes idle connections.
 */
public final class BackendConnector {

    public static final String SCANNER = "response-chunk-scanner";
    public static final String CODEC = "http-client-codec";
    public static final String HANDLER = "backend-handler";

    private final Transport transport;
    private final ExchangeListener events;
    private final AtomicInteger idle = new AtomicInteger();
    private final FastThreadLocal<LoopPool> pools = new FastThreadLocal<>() {
        @Override
        protected LoopPool initialValue() {
            return new LoopPool();
        }
    };

    /** One event loop's idle connections by server id, swept for expired ones once a second. */
    private final class LoopPool {
        final Map<String, ArrayDeque<BackendConnection>> byServer = new HashMap<>();
        boolean sweeping;

        void startSweeping(EventLoop loop) {
            if (!sweeping) {
                sweeping = true;
                loop.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
            }
        }

        private void sweep() {
            long now = System.nanoTime();
            for (ArrayDeque<BackendConnection> idleConnections : byServer.values()) {
                // Oldest first: stop at the first connection still within its idle timeout.
                BackendConnection c;
                while ((c = idleConnections.peekFirst()) != null && now - c.idleDeadlineNanos >= 0) {
                    idleConnections.pollFirst();
                    idle.decrementAndGet();
                    c.channel().close();
                }
            }
        }
    }

    public BackendConnector(Transport transport, ExchangeListener events) {
        this.transport = transport;
        this.events = events;
    }

    /** Pooled idle connections over all event loops. */
    public int idleConnections() {
        return idle.get();
    }

    /**
     * An idle usable connection to {@code server} from this loop's pool, or {@code null}. Call on {@code loop}.
     *
     * @param now {@code System.nanoTime()} as the caller last read it (the pool's idle deadlines are in seconds)
     */
    public BackendConnection pooled(Server server, EventLoop loop, BackendTimeouts timeouts, long now) {
        ArrayDeque<BackendConnection> idleConnections = pools.get().byServer.get(server.id());
        if (idleConnections == null) {
            return null;
        }
        BackendConnection c;
        while ((c = idleConnections.pollLast()) != null) {
            idle.decrementAndGet();
            if (c.isUsable() && now - c.idleDeadlineNanos < 0) {
                return c;
            }
            c.channel().close();
        }
        return null;
    }

    /** Opens a new connection; the future fails with the connect error or timeout. Call on {@code loop}. */
    public Future<BackendConnection> connect(Server server, EventLoop loop, BackendTimeouts timeouts) {
        Promise<BackendConnection> promise = loop.newPromise();
        BackendHandler handler = new BackendHandler();
        ResponseChunkScanner scanner = new ResponseChunkScanner();
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeouts.connect().toMillis()))
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(SCANNER, scanner);
                        ch.pipeline().addLast(CODEC, new HttpClientCodec(8192, 64 * 1024, 16 * 1024));
                        ch.pipeline().addLast(HANDLER, handler);
                    }
                });
        ChannelFuture f = b.connect(server.host(), server.port());
        f.addListener(done -> {
            if (done.isSuccess()) {
                Channel ch = f.channel();
                BackendConnection c = new BackendConnection(ch, server, handler, scanner);
                handler.connection(c);
                events.serverConnectionOpened(server.id());
                ch.closeFuture().addListener(closed -> events.serverConnectionClosed(server.id()));
                promise.setSuccess(c);
            } else {
                promise.setFailure(done.cause());
            }
        });
        return promise;
    }

    /**
     * Returns a connection whose last exchange completed cleanly to this loop's pool, or closes it when the pool is
     * full. Call on the connection's event loop.
     *
     * @param now {@code System.nanoTime()} as the caller last read it: the idle timeout starts there
     */
    public void release(BackendConnection c, BackendTimeouts timeouts, long now) {
        c.attach(null);
        if (!c.isUsable() || timeouts.poolMaxIdle() == 0) {
            c.channel().close();
            return;
        }
        LoopPool pool = pools.get();
        ArrayDeque<BackendConnection> idleConnections =
                pool.byServer.computeIfAbsent(c.serverId(), id -> new ArrayDeque<>());
        if (idleConnections.size() >= timeouts.poolMaxIdle()) {
            c.channel().close();
            return;
        }
        c.idleDeadlineNanos = now + timeouts.poolIdle().toNanos();
        idleConnections.addLast(c);
        idle.incrementAndGet();
        // Reading while idle lets the handler see a server's FIN (or unexpected bytes) and close at once.
        c.channel().read();
        pool.startSweeping(c.channel().eventLoop());
    }
}
