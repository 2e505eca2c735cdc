package dev.tether.core.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * An in-process HTTP server on 127.0.0.1 port 0 that stamps {@code X-Backend-Id}, streams bodies both ways and
 * misbehaves on request. Paths:
 *
 * <ul>
 *   <li>{@code /status}: 200, or {@link #statusCode} when set;
 *   <li>{@code /upload}: reads the body as it streams and answers {@code bytes=N crc=C};
 *   <li>{@code /download?bytes=N}: streams N bytes (chunked) honouring the client's backpressure;
 *   <li>{@code /delay?ms=N}: answers after N ms;
 *   <li>{@code /close}: closes the connection without answering;
 *   <li>{@code /partial}: promises 1000 bytes, sends 10, closes;
 *   <li>{@code /garbage}: answers with bytes that are not HTTP;
 *   <li>{@code /answer}: answers {@link #answerStatus} (200 unless set) with body {@code <name> <method> <uri>};
 *   <li>{@code /session?cookie=NAME}: as an application server starting a session: when the request carries no
 *       cookie NAME, sets {@code NAME=<name>-<n>; Path=/; HttpOnly} (n counts sessions); answers 200 either way;
 *   <li>anything else: 200 with body {@code <name> <method> <uri>}.
 * </ul>
 */
public final class TestBackend implements AutoCloseable {

    /** One request as the backend saw it. */
    public record Seen(String method, String uri, HttpHeaders headers, long bodyBytes) {}

    private final String name;
    private final EventLoopGroup group;
    private final Channel channel;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, AtomicInteger> countsByPath = new ConcurrentHashMap<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    public final AtomicInteger statusCode = new AtomicInteger(200);
    /** The status {@code /answer} answers. */
    public final AtomicInteger answerStatus = new AtomicInteger(200);
    private final AtomicInteger sessions = new AtomicInteger();
    /** Most {@code /delay} requests seen in progress at once. */
    public final AtomicInteger maxConcurrentDelays = new AtomicInteger();
    private final AtomicInteger delaysInProgress = new AtomicInteger();
    /** Body bytes that {@code /download} has handed to its socket so far. */
    public final AtomicLong downloadWritten = new AtomicLong();

    public TestBackend(String name) throws InterruptedException {
        this(name, 0);
    }

    /** A backend on a given port, to restart one where an earlier one was. */
    public TestBackend(String name, int port) throws InterruptedException {
        this.name = name;
        this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        this.channel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.incrementAndGet();
                        children.add(ch);
                        ch.pipeline().addLast(new HttpServerCodec(), new Handler());
                    }
                })
                .bind("127.0.0.1", port)
                .sync()
                .channel();
    }

    public String name() {
        return name;
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    public List<Seen> seen() {
        return seen;
    }

    /** Requests seen on one path (query excluded). */
    public int count(String path) {
        AtomicInteger c = countsByPath.get(path);
        return c == null ? 0 : c.get();
    }

    /** TCP connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    @Override
    public void close() {
        // As a crashed server: the listening socket and every connection close at once.
        channel.close().awaitUninterruptibly();
        children.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<HttpObject> {
        private HttpRequest request;
        private String path;
        private long bodyBytes;
        private final CRC32 crc = new CRC32();

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpRequest r) {
                request = r;
                path = new QueryStringDecoder(r.uri()).path();
                bodyBytes = 0;
                crc.reset();
                countsByPath.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                if (path.equals("/close")) {
                    ctx.close();
                    return;
                }
            }
            if (msg instanceof HttpContent c && request != null) {
                ByteBuf b = c.content();
                bodyBytes += b.readableBytes();
                crc.update(b.nioBuffer());
                if (msg instanceof LastHttpContent) {
                    seen.add(new Seen(request.method().name(), request.uri(),
                            new DefaultHttpHeaders().add(request.headers()), bodyBytes));
                    respond(ctx);
                }
            }
        }

        private void respond(ChannelHandlerContext ctx) {
            QueryStringDecoder q = new QueryStringDecoder(request.uri());
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            switch (path) {
                case "/status" -> send(ctx, HttpResponseStatus.valueOf(statusCode.get()), "", keepAlive);
                case "/upload" -> send(ctx, HttpResponseStatus.OK,
                        "bytes=" + bodyBytes + " crc=" + crc.getValue(), keepAlive);
                case "/delay" -> {
                    long ms = Long.parseLong(q.parameters().get("ms").get(0));
                    int now = delaysInProgress.incrementAndGet();
                    maxConcurrentDelays.accumulateAndGet(now, Math::max);
                    ctx.executor().schedule(() -> {
                        delaysInProgress.decrementAndGet();
                        send(ctx, HttpResponseStatus.OK, name + " delayed", keepAlive);
                    }, ms, TimeUnit.MILLISECONDS);
                }
                case "/download" -> download(ctx, Long.parseLong(q.parameters().get("bytes").get(0)));
                case "/answer" -> send(ctx, HttpResponseStatus.valueOf(answerStatus.get()),
                        name + " " + request.method() + " " + request.uri(), keepAlive);
                case "/partial" -> {
                    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                    head.headers().set(HttpHeaderNames.CONTENT_LENGTH, 1000).set("X-Backend-Id", name);
                    ctx.write(head);
                    ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[10])))
                            .addListener(ChannelFutureListener.CLOSE);
                }
                case "/session" -> {
                    String cookie = q.parameters().get("cookie").get(0);
                    String received = request.headers().get(HttpHeaderNames.COOKIE, "");
                    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                            Unpooled.copiedBuffer(name + " session", StandardCharsets.UTF_8));
                    r.headers().set("X-Backend-Id", name).setInt(HttpHeaderNames.CONTENT_LENGTH,
                            r.content().readableBytes());
                    if (!(" " + received.replace(";", "; ")).contains(" " + cookie + "=")) {
                        r.headers().add(HttpHeaderNames.SET_COOKIE,
                                cookie + "=" + name + "-" + sessions.incrementAndGet() + "; Path=/; HttpOnly");
                    }
                    ctx.writeAndFlush(r);
                }
                case "/garbage" -> {
                    ctx.pipeline().remove(HttpServerCodec.class);
                    ctx.writeAndFlush(Unpooled.copiedBuffer("this is not http\r\n\r\n", StandardCharsets.US_ASCII))
                            .addListener(ChannelFutureListener.CLOSE);
                }
                default -> send(ctx, HttpResponseStatus.OK,
                        name + " " + request.method() + " " + request.uri(), keepAlive);
            }
        }

        private void send(ChannelHandlerContext ctx, HttpResponseStatus status, String text, boolean keepAlive) {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
            r.headers().set("X-Backend-Id", name).setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
            if (!keepAlive) {
                r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.writeAndFlush(r);
            }
        }

        private void download(ChannelHandlerContext ctx, long total) {
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set("X-Backend-Id", name).set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            ctx.write(head);
            AtomicLong left = new AtomicLong(total);
            writeChunks(ctx, left);
        }

        private void writeChunks(ChannelHandlerContext ctx, AtomicLong left) {
            while (left.get() > 0 && ctx.channel().isWritable()) {
                int n = (int) Math.min(64 * 1024, left.get());
                left.addAndGet(-n);
                downloadWritten.addAndGet(n);
                ByteBuf chunk = ctx.alloc().buffer(n);
                chunk.writeZero(n);
                ctx.write(new DefaultHttpContent(chunk));
            }
            if (left.get() == 0) {
                ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                return;
            }
            // Not writable: continue once the client has taken what was written.
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
                if (f.isSuccess()) {
                    ctx.executor().execute(() -> waitWritable(ctx, left));
                }
            });
        }

        private void waitWritable(ChannelHandlerContext ctx, AtomicLong left) {
            if (!ctx.channel().isActive()) {
                return;
            }
            if (ctx.channel().isWritable()) {
                writeChunks(ctx, left);
            } else {
                ctx.executor().schedule(() -> waitWritable(ctx, left), 5, TimeUnit.MILLISECONDS);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
