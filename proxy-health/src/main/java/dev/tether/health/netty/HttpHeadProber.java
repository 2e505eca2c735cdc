package dev.tether.health.netty;

import dev.tether.health.HealthCheckConfig;
import dev.tether.health.ProbeFailure;
import dev.tether.health.ProbeResult;
import dev.tether.health.Prober;
import dev.tether.routing.model.Server;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Probes a server with one HTTP/1.1 request on a fresh connection ({@code HEAD /status} by default), on the
 * event loops it is given, never blocking them.
 *
 * <pre>
 *   connect ──(refused)──────────────▶ REFUSED
 *      │    ──(no SYN-ACK by timeout)─▶ CONNECT_TIMEOUT
 *      ▼
 *   write "HEAD /status HTTP/1.1", Host, Connection: close
 *      │    ──(reset / closed)────────▶ RESET
 *      │    ──(no head by timeout)────▶ RESPONSE_TIMEOUT
 *      ▼
 *   response head ──▶ pass if the status is expected, else BAD_STATUS; close
 * </pre>
 *
 * <p>The whole probe, connect plus response, has {@code config.timeout()}: the connect may take all of it,
 * the response gets what is left. Only the response head is read; the body, if any, is discarded as the
 * connection closes. Every inbound message is released by {@link SimpleChannelInboundHandler}.
 *
 * <p>Host names other than IP literals are resolved by the bootstrap's default resolver, which blocks; give
 * servers as addresses, or resolve them before building the routing table.
 */
public final class HttpHeadProber implements Prober {

    private static final String USER_AGENT = "tether-health-check";

    private final HealthCheckConfig config;
    private final Bootstrap bootstrap;
    private final HttpMethod method;
    private final long timeoutNanos;

    /**
     * @param group event loops to probe on (epoll or NIO), shared with the proxy
     * @param channelType the socket channel class matching {@code group}'s transport
     * @param config method, path, host, expected statuses and timeout
     */
    public HttpHeadProber(EventLoopGroup group, Class<? extends SocketChannel> channelType, HealthCheckConfig config) {
        this.config = config;
        this.method = HttpMethod.valueOf(config.method());
        this.timeoutNanos = config.timeout().toNanos();
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, config.timeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true);
    }

    @Override
    public CompletionStage<ProbeResult> probe(Server server) {
        Attempt attempt = new Attempt(server);
        ChannelFuture connect;
        try {
            connect = bootstrap.clone().handler(attempt.initializer()).connect(address(server));
        } catch (RuntimeException e) {
            attempt.fail(ProbeFailure.OTHER, e.toString());
            return attempt.result;
        }
        connect.addListener((ChannelFuture f) -> attempt.connected(f));
        return attempt.result;
    }

    private static SocketAddress address(Server server) {
        InetAddress literal = NetUtil.createInetAddressFromIpAddressString(server.host());
        return literal != null
                ? new InetSocketAddress(literal, server.port())
                : InetSocketAddress.createUnresolved(server.host(), server.port());
    }

    private String hostHeader(Server server) {
        if (config.host() != null) {
            return config.host();
        }
        String host = server.host().indexOf(':') >= 0 ? "[" + server.host() + "]" : server.host();
        return server.port() == 80 ? host : host + ":" + server.port();
    }

    /** One probe: its future, its channel, and its response timer. Touched only on the channel's event loop. */
    private final class Attempt {
        final Server server;
        final long start = System.nanoTime();
        final CompletableFuture<ProbeResult> result = new CompletableFuture<>();
        Channel channel;
        ScheduledFuture<?> responseTimer;

        Attempt(Server server) {
            this.server = server;
        }

        ChannelInitializer<Channel> initializer() {
            return new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel ch) {
                    channel = ch; // on the event loop, before the connect starts
                    ch.pipeline().addLast("codec", new HttpClientCodec());
                    ch.pipeline().addLast("probe", new ResponseHandler(Attempt.this));
                }
            };
        }

        void connected(ChannelFuture f) {
            if (!f.isSuccess()) {
                Throwable cause = f.cause();
                if (cause instanceof ConnectTimeoutException) {
                    fail(ProbeFailure.CONNECT_TIMEOUT, null);
                } else if (cause instanceof ConnectException && String.valueOf(cause.getMessage()).contains("refused")) {
                    fail(ProbeFailure.REFUSED, null);
                } else {
                    fail(ProbeFailure.OTHER, String.valueOf(cause));
                }
                return;
            }
            long left = timeoutNanos - (System.nanoTime() - start);
            responseTimer = f.channel().eventLoop().schedule(
                    () -> fail(ProbeFailure.RESPONSE_TIMEOUT, null), Math.max(0, left), TimeUnit.NANOSECONDS);
            FullHttpRequest request = new DefaultFullHttpRequest(
                    HttpVersion.HTTP_1_1, method, config.path(), Unpooled.EMPTY_BUFFER);
            request.headers()
                    .set(HttpHeaderNames.HOST, hostHeader(server))
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                    .set(HttpHeaderNames.USER_AGENT, USER_AGENT)
                    .set(HttpHeaderNames.CONTENT_LENGTH, 0);
            f.channel().writeAndFlush(request).addListener((ChannelFuture w) -> {
                if (!w.isSuccess()) {
                    fail(ProbeFailure.RESET, "request not written: " + w.cause());
                }
            });
        }

        void respond(int status) {
            Duration took = elapsed();
            finish(config.expects(status)
                    ? ProbeResult.pass(status, took)
                    : ProbeResult.fail(ProbeFailure.BAD_STATUS, status, took));
        }

        void fail(ProbeFailure failure, String detail) {
            finish(ProbeResult.fail(failure, elapsed(), detail));
        }

        private void finish(ProbeResult r) {
            if (responseTimer != null) {
                responseTimer.cancel(false);
            }
            result.complete(r); // the first outcome wins; later ones (the close below) are no-ops
            if (channel != null) {
                channel.close();
            }
        }

        private Duration elapsed() {
            return Duration.ofNanos(System.nanoTime() - start);
        }
    }

    /** Takes the status from the response head; ignores the rest. */
    private static final class ResponseHandler extends SimpleChannelInboundHandler<HttpObject> {
        private final Attempt attempt;

        ResponseHandler(Attempt attempt) {
            this.attempt = attempt;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg.decoderResult().isFailure()) {
                attempt.fail(ProbeFailure.OTHER, "malformed response: " + msg.decoderResult().cause());
            } else if (msg instanceof HttpResponse) {
                int status = ((HttpResponse) msg).status().code();
                if (status >= 200 || status == 101) {
                    attempt.respond(status);
                } // else an interim 1xx (100 Continue, 103 Early Hints): the final head is still to come
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            attempt.fail(ProbeFailure.RESET, "closed before the response");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            attempt.fail(cause instanceof IOException ? ProbeFailure.RESET : ProbeFailure.OTHER, String.valueOf(cause));
        }
    }
}
