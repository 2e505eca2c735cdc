package dev.tether.bench.load;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * M in-process HTTP/1.1 backends on {@code 127.0.0.1}, port 0, for the load harness and for tests.
 *
 * <p>Backend {@code i} is named {@code s(i+1)} and stamps {@code X-Backend-Id} on every response, so a client can
 * see which server answered. {@code /status} answers 200 with no body (health checks); every other path answers
 * the configured body after the request body has been read; a websocket upgrade on {@code /ws} becomes an echo
 * server (each text or binary frame is sent back, and counted as a request). Options: a response delay, and cookie insert (the
 * backend sets {@code NAME=sN} when the request has no such cookie) so the harness can be tested without a proxy.
 * A backend can be {@link #stop stopped} (its listener and connections closed: connections are refused) and made to
 * {@link #restamp claim another id}, to provoke what a misbehaving proxy would do.
 */
public final class BackendFarm implements AutoCloseable {

    /**
     * @param bodyBytes size of every non-{@code /status} response body
     * @param delay time between reading the request and answering, {@link Duration#ZERO} for none
     * @param insertCookie cookie name the backends set when the request lacks it, or {@code null}
     */
    public record Options(int bodyBytes, Duration delay, String insertCookie) {
        public static Options defaults() {
            return new Options(100, Duration.ZERO, null);
        }

        public Options withInsertCookie(String name) {
            return new Options(bodyBytes, delay, name);
        }

        public Options withDelay(Duration d) {
            return new Options(bodyBytes, d, insertCookie);
        }
    }

    private final EventLoopGroup group;
    private final Options options;
    private final ByteBuf body;
    private final List<Backend> backends = new ArrayList<>();

    private BackendFarm(int count, Options options) {
        this.options = options;
        this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        byte[] bytes = new byte[options.bodyBytes()];
        Arrays.fill(bytes, (byte) 'x');
        this.body = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(bytes).asReadOnly());
        for (int i = 0; i < count; i++) {
            backends.add(new Backend("s" + (i + 1)));
        }
    }

    /** Starts {@code count} backends, each bound to its own ephemeral port. */
    public static BackendFarm start(int count, Options options) {
        BackendFarm farm = new BackendFarm(count, options);
        try {
            for (Backend b : farm.backends) {
                b.bind(0);
            }
        } catch (RuntimeException e) {
            farm.close();
            throw e;
        }
        return farm;
    }

    public static BackendFarm start(int count) {
        return start(count, Options.defaults());
    }

    public int size() {
        return backends.size();
    }

    public int port(int index) {
        return backends.get(index).port;
    }

    public String id(int index) {
        return backends.get(index).name;
    }

    /** Requests backend {@code index} has answered. */
    public long requests(int index) {
        return backends.get(index).requests.get();
    }

    public long totalRequests() {
        return backends.stream().mapToLong(b -> b.requests.get()).sum();
    }

    /** Whether the backend named {@code id} (as stamped, {@code sN}) is accepting connections. */
    public boolean isUp(String id) {
        for (Backend b : backends) {
            if (b.name.equals(id)) {
                return b.up;
            }
        }
        return false;
    }

    /** Closes the backend's listener and open connections; new connections are refused. */
    public void stop(int index) {
        Backend b = backends.get(index);
        b.up = false;
        b.listener.close().syncUninterruptibly();
        b.connections.close().syncUninterruptibly();
    }

    /** Binds a stopped backend again on its old port. */
    public void restart(int index) {
        Backend b = backends.get(index);
        b.bind(b.port);
    }

    /** From now on backend {@code index} stamps {@code id} in {@code X-Backend-Id} (and in inserted cookies). */
    public void restamp(int index, String id) {
        backends.get(index).stamp = id;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Backend {
        final String name;
        final AtomicLong requests = new AtomicLong();
        final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        volatile String stamp;
        volatile boolean up;
        volatile Channel listener;
        volatile int port;

        Backend(String name) {
            this.name = name;
            this.stamp = name;
        }

        void bind(int wantedPort) {
            Channel ch = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            connections.add(c);
                            c.pipeline().addLast(new HttpServerCodec(), new Responder(Backend.this));
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), wantedPort))
                    .syncUninterruptibly()
                    .channel();
            listener = ch;
            port = ((InetSocketAddress) ch.localAddress()).getPort();
            up = true;
        }
    }

    /** Sends every data frame back; answers pings and closes. */
    private static final class Echo extends SimpleChannelInboundHandler<WebSocketFrame> {
        private final Backend backend;

        Echo(Backend backend) {
            this.backend = backend;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
                backend.requests.incrementAndGet();
                ctx.writeAndFlush(frame.retainedDuplicate(), ctx.voidPromise());
            } else if (frame instanceof PingWebSocketFrame) {
                ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()), ctx.voidPromise());
            } else if (frame instanceof CloseWebSocketFrame) {
                ctx.writeAndFlush(frame.retainedDuplicate()).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /**
     * Runs a farm as a process, for {@code bench/run.sh}: {@code BackendFarm --count 2 [--body-bytes 100]
     * [--max-seconds 3600]}. Prints one port a line, then serves until killed or {@code max-seconds} passed.
     */
    public static void main(String[] args) throws InterruptedException {
        int count = 2;
        int bodyBytes = 100;
        long maxSeconds = 3600;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--count" -> count = Integer.parseInt(args[i + 1]);
                case "--body-bytes" -> bodyBytes = Integer.parseInt(args[i + 1]);
                case "--max-seconds" -> maxSeconds = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (expected --count, --body-bytes, --max-seconds)");
            }
        }
        BackendFarm farm = start(count, new Options(bodyBytes, Duration.ZERO, null));
        for (int i = 0; i < farm.size(); i++) {
            System.out.println(farm.port(i));
        }
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(farm::close));
        Thread.sleep(TimeUnit.SECONDS.toMillis(maxSeconds));
        farm.close();
    }

    /** Answers once the whole request has arrived; the request body is counted and dropped, never buffered. */
    private final class Responder extends SimpleChannelInboundHandler<HttpObject> {
        private final Backend backend;
        private boolean keepAlive;
        private boolean status;
        private boolean needsCookie;
        private HttpRequest upgrade;

        Responder(Backend backend) {
            this.backend = backend;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpRequest request) {
                keepAlive = HttpUtil.isKeepAlive(request);
                status = request.uri().startsWith("/status");
                needsCookie = options.insertCookie() != null && !hasCookie(request, options.insertCookie());
                upgrade = request.uri().startsWith("/ws")
                                && request.headers().containsValue(HttpHeaderNames.UPGRADE, "websocket", true)
                        ? request
                        : null;
            }
            if (msg instanceof LastHttpContent && upgrade != null) {
                upgradeToEcho(ctx);
            } else if (msg instanceof LastHttpContent) {
                FullHttpResponse response = response();
                if (options.delay().isZero()) {
                    write(ctx, response);
                } else {
                    ctx.executor().schedule(() -> write(ctx, response), options.delay().toNanos(), TimeUnit.NANOSECONDS);
                }
            } else if (!(msg instanceof HttpContent) && !(msg instanceof HttpRequest)) {
                ctx.close();
            }
        }

        /** Answers the handshake, stamping the id, and hands the connection to an echo handler. */
        private void upgradeToEcho(ChannelHandlerContext ctx) {
            DefaultFullHttpRequest full = new DefaultFullHttpRequest(upgrade.protocolVersion(), upgrade.method(),
                    upgrade.uri(), Unpooled.EMPTY_BUFFER, upgrade.headers(),
                    io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
            upgrade = null;
            WebSocketServerHandshaker handshaker =
                    new WebSocketServerHandshakerFactory("ws://" + ctx.channel().localAddress() + "/ws", null, true)
                            .newHandshaker(full);
            if (handshaker == null) {
                WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
                return;
            }
            io.netty.handler.codec.http.HttpHeaders extra = new io.netty.handler.codec.http.DefaultHttpHeaders();
            extra.set("X-Backend-Id", backend.stamp);
            ctx.pipeline().replace(this, "ws-echo", new Echo(backend));
            handshaker.handshake(ctx.channel(), full, extra, ctx.channel().newPromise());
        }

        private FullHttpResponse response() {
            ByteBuf content = status ? Unpooled.EMPTY_BUFFER : body.duplicate();
            FullHttpResponse response =
                    new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, content);
            String id = backend.stamp;
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes())
                    .set("X-Backend-Id", id);
            if (needsCookie) {
                response.headers().add(HttpHeaderNames.SET_COOKIE,
                        ServerCookieEncoder.STRICT.encode(options.insertCookie(), id));
            }
            if (!keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            return response;
        }

        private void write(ChannelHandlerContext ctx, FullHttpResponse response) {
            backend.requests.incrementAndGet();
            if (keepAlive) {
                ctx.writeAndFlush(response, ctx.voidPromise());
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        private static boolean hasCookie(HttpRequest request, String name) {
            for (String header : request.headers().getAll(HttpHeaderNames.COOKIE)) {
                for (Cookie c : ServerCookieDecoder.LAX.decode(header)) {
                    if (c.name().equals(name)) {
                        return true;
                    }
                }
            }
            return false;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
