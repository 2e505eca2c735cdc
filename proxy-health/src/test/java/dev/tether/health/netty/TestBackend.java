package dev.tether.health.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-process HTTP backend on 127.0.0.1, port 0. What it does depends on the path:
 * {@code /status} 200, {@code /error} 500, {@code /body} 200 with a body, {@code /interim} 100 then 204,
 * {@code /hang} never answers,
 * {@code /close} closes the connection without answering. Records every request head it reads.
 */
final class TestBackend {

    /** The parts of a request head the tests look at. */
    record Seen(String method, String uri, String host, String connection, String userAgent) {}

    private final EventLoopGroup group;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private volatile Channel server;
    private volatile int port;

    TestBackend(EventLoopGroup group) {
        this.group = group;
    }

    /** Binds on the port it had before, or on an ephemeral one the first time. */
    TestBackend start() throws InterruptedException {
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new Responder());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", port))
                .sync()
                .channel();
        port = ((InetSocketAddress) server.localAddress()).getPort();
        return this;
    }

    int port() {
        return port;
    }

    List<Seen> seen() {
        return seen;
    }

    /** Stops listening: connections to the port are then refused. */
    void stop() throws InterruptedException {
        server.close().sync();
    }

    private final class Responder extends SimpleChannelInboundHandler<HttpObject> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (!(msg instanceof HttpRequest)) {
                return;
            }
            HttpRequest req = (HttpRequest) msg;
            seen.add(new Seen(req.method().name(), req.uri(), req.headers().get(HttpHeaderNames.HOST),
                    req.headers().get(HttpHeaderNames.CONNECTION), req.headers().get(HttpHeaderNames.USER_AGENT)));
            switch (req.uri()) {
                case "/status":
                    respond(ctx, HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER);
                    break;
                case "/error":
                    respond(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, Unpooled.EMPTY_BUFFER);
                    break;
                case "/body":
                    respond(ctx, HttpResponseStatus.OK,
                            Unpooled.copiedBuffer("x".repeat(64 * 1024), StandardCharsets.US_ASCII));
                    break;
                case "/interim":
                    ctx.write(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
                    respond(ctx, HttpResponseStatus.NO_CONTENT, Unpooled.EMPTY_BUFFER);
                    break;
                case "/close":
                    ctx.close();
                    break;
                default: // "/hang": read and never answer
                    break;
            }
        }

        private void respond(ChannelHandlerContext ctx, HttpResponseStatus status, ByteBuf body) {
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
            res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
