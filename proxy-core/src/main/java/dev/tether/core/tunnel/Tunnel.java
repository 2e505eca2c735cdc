package dev.tether.core.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A raw byte tunnel between a client and a server connection after a validated {@code 101 Switching Protocols}.
 * No frame parsing, no copies: each side's {@link Relay} writes the buffers it reads to the other side.
 *
 * <pre>
 *   client --read--> Relay(client) --write--> server      read the next batch only when the write completed
 *   client <-write-- Relay(server) <--read--- server      and the receiving side is writable (backpressure)
 * </pre>
 *
 * <p>Both channels share one event loop, so the tunnel needs no locks. The tunnel timeout measures inactivity in
 * both directions. A FIN from one side is passed on as a half-close (shutdown output) and the other direction
 * keeps flowing until it closes too.
 */
public final class Tunnel {

    /** How a tunnel ended, with the bytes carried each way. */
    public interface CloseListener {
        void tunnelClosed(long bytesFromClient, long bytesFromServer, boolean timedOut);
    }

    public static final String RELAY = "tunnel-relay";

    private final Channel client;
    private final Channel server;
    private final long timeoutNanos;
    private final CloseListener onClose;
    private final Relay fromClient;
    private final Relay fromServer;
    private long lastActivityNanos;
    private ScheduledFuture<?> timer;
    private boolean closed;
    private boolean timedOut;

    private Tunnel(Channel client, Channel server, Duration timeout, CloseListener onClose) {
        this.client = client;
        this.server = server;
        this.timeoutNanos = timeout.toNanos();
        this.onClose = onClose;
        this.fromClient = new Relay(server);
        this.fromServer = new Relay(client);
    }

    /**
     * Installs the relays. The caller has already removed the HTTP handlers after {@code RELAY}'s position; bytes a
     * removed decoder still held are passed on to the relay.
     *
     * @param clientHandlerName the client pipeline handler to replace with the client-side relay
     * @param serverHandlerName the server pipeline handler to replace with the server-side relay
     */
    public static Tunnel open(Channel client, String clientHandlerName, Channel server, String serverHandlerName,
            Duration timeout, CloseListener onClose) {
        Tunnel t = new Tunnel(client, server, timeout, onClose);
        client.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        server.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        client.pipeline().replace(clientHandlerName, RELAY, t.fromClient);
        server.pipeline().replace(serverHandlerName, RELAY, t.fromServer);
        t.lastActivityNanos = System.nanoTime();
        t.schedule(t.timeoutNanos);
        client.closeFuture().addListener(f -> t.close());
        server.closeFuture().addListener(f -> t.close());
        client.read();
        server.read();
        return t;
    }

    private void schedule(long delayNanos) {
        timer = client.eventLoop().schedule(this::checkIdle, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void checkIdle() {
        if (closed) {
            return;
        }
        long left = lastActivityNanos + timeoutNanos - System.nanoTime();
        if (left > 0) {
            schedule(left);
            return;
        }
        timedOut = true;
        close();
    }

    private void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (timer != null) {
            timer.cancel(false);
        }
        client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        server.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        onClose.tunnelClosed(fromClient.bytes, fromServer.bytes, timedOut);
    }

    /** Reads one side and writes to {@code peer}. */
    private final class Relay extends ChannelInboundHandlerAdapter {
        private final Channel peer;
        private long bytes;
        private boolean inputShut;

        Relay(Channel peer) {
            this.peer = peer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf buf) || closed) {
                ReferenceCountUtil.release(msg);
                return;
            }
            bytes += buf.readableBytes();
            lastActivityNanos = System.nanoTime();
            peer.writeAndFlush(buf).addListener(f -> {
                if (!f.isSuccess()) {
                    close();
                } else if (peer.isWritable()) {
                    ctx.read();
                }
            });
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            // This side can take more again: let the peer read.
            if (ctx.channel().isWritable()) {
                peer.read();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                inputShut = true;
                if (peer instanceof DuplexChannel duplex && peer.isActive()) {
                    duplex.shutdownOutput();
                }
                if (fromClient.inputShut && fromServer.inputShut) {
                    close();
                }
                return;
            }
            // DRAIN and other proxy events: a tunnel stays open until the drain timeout closes it.
            ReferenceCountUtil.release(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            close();
        }
    }
}
