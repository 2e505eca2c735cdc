package dev.tether.core.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.core.ProxyServer;
import dev.tether.core.config.ListenerConfig;
import dev.tether.core.http.RequestValidator;
import dev.tether.core.log.ExchangeListener;
import dev.tether.core.log.ExchangeRecord;
import dev.tether.core.log.TerminationState;
import dev.tether.core.testing.LeakCheck;
import dev.tether.core.testing.RawClient;
import dev.tether.core.testing.TestBackend;
import dev.tether.core.testing.TestProxy;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The minimum request-body rate over real sockets: a trickled body gets 408 and the close; a normal one passes. */
@ExtendWith(LeakCheck.class)
class MinBodyRateIT {

    private EventLoopGroup group;
    private int port;

    @BeforeEach
    void start() throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Channel server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(),
                                new RequestValidator("test", ExchangeListener.NONE,
                                        RequestValidator.UnderscoreHeaders.DROP, 1000, Duration.ofMillis(500)),
                                new SimpleChannelInboundHandler<HttpObject>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
                                        if (msg instanceof LastHttpContent) {
                                            var r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                                    HttpResponseStatus.OK, Unpooled.copiedBuffer("done",
                                                    StandardCharsets.US_ASCII));
                                            r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 4);
                                            ctx.writeAndFlush(r);
                                        }
                                    }
                                });
                    }
                })
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
        port = ((InetSocketAddress) server.localAddress()).getPort();
    }

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    @Test
    void trickledBodyGets408AndTheConnectionCloses() throws Exception {
        try (RawClient c = new RawClient(port)) {
            c.send("POST /slow HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n");
            long startNanos = System.nanoTime();
            // 10 bytes every 50 ms: 200 bytes/s against a minimum of 1000, until the proxy answers.
            String response = null;
            c.timeout(50);
            while (response == null && System.nanoTime() - startNanos < TimeUnit.SECONDS.toNanos(5)) {
                try {
                    c.send("0123456789");
                } catch (java.io.IOException closed) {
                    break;
                }
                try {
                    int first = c.in().read();
                    if (first >= 0) {
                        c.timeout(5000);
                        response = (char) first + c.readUntilClose();
                    }
                } catch (java.net.SocketTimeoutException notYet) {
                    // keep trickling
                }
            }
            assertThat(response).isNotNull().startsWith("HTTP/1.1 408 ").contains("below the minimum of 1000");
            assertThat(System.nanoTime() - startNanos).isLessThan(TimeUnit.SECONDS.toNanos(3));
        }
    }

    @Test
    void throughTheProxyATrickledBodyIsLoggedOnceAs408() throws Exception {
        List<ExchangeRecord> records = new CopyOnWriteArrayList<>();
        AtomicBoolean clientClosed = new AtomicBoolean();
        try (TestBackend backend = new TestBackend("b1")) {
            TestProxy p = new TestProxy().backends(backend);
            ListenerConfig l = p.listener;
            p.listener = new ListenerConfig(l.name(), l.address(), l.port(), l.clientTimeout(), l.httpRequestTimeout(),
                    l.keepAliveTimeout(), l.maxBodyBytes(), l.maxHeaderBytes(), l.maxUriLength(), l.frontDoor(),
                    l.maxConnections(), l.maxConnectionsPerClient(), 1000, Duration.ofMillis(500));
            p.events = new ExchangeListener() {
                @Override
                public void exchangeFinished(ExchangeRecord record) {
                    records.add(record);
                }

                @Override
                public void clientConnectionClosed(String listener) {
                    clientClosed.set(true);
                }
            };
            ProxyServer proxy = p.start();
            try (RawClient c = new RawClient(proxy.port())) {
                c.send("POST /slow HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n");
                long startNanos = System.nanoTime();
                c.timeout(50);
                String response = null;
                while (response == null && System.nanoTime() - startNanos < TimeUnit.SECONDS.toNanos(5)) {
                    try {
                        c.send("0123456789");
                    } catch (java.io.IOException closed) {
                        break;
                    }
                    try {
                        int first = c.in().read();
                        if (first >= 0) {
                            c.timeout(5000);
                            response = (char) first + c.readUntilClose();
                        }
                    } catch (java.net.SocketTimeoutException notYet) {
                        // keep trickling
                    }
                }
                assertThat(response).isNotNull().startsWith("HTTP/1.1 408 ");
                // The proxy closes after its lingering period; a second record would come with that close, and the
                // stop below waits for the event loop to finish it.
                await().atMost(Duration.ofSeconds(10)).untilTrue(clientClosed);
            } finally {
                proxy.stop(Duration.ZERO);
            }
        }
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(408);
            assertThat(r.termination()).isEqualTo(TerminationState.PROXY_REJECT_REQUEST);
            assertThat(r.server()).isEqualTo("b1");
        });
    }

    @Test
    void bodyAtFullSpeedPasses() throws Exception {
        try (RawClient c = new RawClient(port)) {
            String response = c.send("POST /fast HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n")
                    .send(new byte[100000])
                    .readResponses(1);
            assertThat(response).startsWith("HTTP/1.1 200 ").endsWith("done");
        }
    }
}
