package dev.tether.core.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.core.http.ConnectionLimiter;
import dev.tether.core.http.ConnectionLimits;
import dev.tether.core.testing.LeakCheck;
import dev.tether.core.testing.RawClient;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Connection caps over real sockets: excess connections are closed before they are served, slots come back. */
@ExtendWith(LeakCheck.class)
class ConnectionLimiterIT {

    private EventLoopGroup group;
    private final AtomicInteger activeBehind = new AtomicInteger();
    private final List<RawClient> clients = new ArrayList<>();

    @BeforeEach
    void setUp() {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    }

    @AfterEach
    void tearDown() throws Exception {
        for (RawClient c : clients) {
            c.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    /** A server whose connections say "hello" once admitted, behind a limiter. */
    private int serve(ConnectionLimits limits) throws InterruptedException {
        Channel server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new ConnectionLimiter(limits), new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelActive(ChannelHandlerContext ctx) {
                                activeBehind.incrementAndGet();
                                ctx.writeAndFlush(Unpooled.copiedBuffer("hello\n", StandardCharsets.US_ASCII));
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                activeBehind.decrementAndGet();
                            }
                        });
                    }
                })
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    private RawClient connect(int port) throws Exception {
        RawClient c = new RawClient(port);
        clients.add(c);
        return c;
    }

    private static String firstLine(RawClient c) throws Exception {
        StringBuilder b = new StringBuilder();
        int ch;
        while ((ch = c.in().read()) >= 0 && ch != '\n') {
            b.append((char) ch);
        }
        return ch < 0 && b.length() == 0 ? "<closed>" : b.toString();
    }

    @Test
    void listenerCapClosesExcessConnectionsAndFreesSlotsOnClose() throws Exception {
        ConnectionLimits proxy = ConnectionLimits.unlimited("proxy");
        ConnectionLimits listener = new ConnectionLimits("listener http", 2, 0, proxy);
        int port = serve(listener);
        RawClient one = connect(port);
        RawClient two = connect(port);
        assertThat(firstLine(one)).isEqualTo("hello");
        assertThat(firstLine(two)).isEqualTo("hello");
        assertThat(firstLine(connect(port))).isEqualTo("<closed>");
        assertThat(activeBehind).hasValue(2);

        one.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> listener.open() == 1);
        assertThat(firstLine(connect(port))).isEqualTo("hello");
        assertThat(proxy.open()).isEqualTo(2);
    }

    @Test
    void proxyWideCapCoversEveryListener() throws Exception {
        ConnectionLimits proxy = new ConnectionLimits("proxy", 2, 0, null);
        int portA = serve(new ConnectionLimits("listener a", 0, 0, proxy));
        int portB = serve(new ConnectionLimits("listener b", 0, 0, proxy));
        assertThat(firstLine(connect(portA))).isEqualTo("hello");
        assertThat(firstLine(connect(portB))).isEqualTo("hello");
        assertThat(firstLine(connect(portB))).isEqualTo("<closed>");
        assertThat(firstLine(connect(portA))).isEqualTo("<closed>");
        assertThat(proxy.open()).isEqualTo(2);
    }

    @Test
    void perClientCapLimitsOneAddress() throws Exception {
        ConnectionLimits listener = new ConnectionLimits("listener http", 0, 2, null);
        int port = serve(listener);
        assertThat(firstLine(connect(port))).isEqualTo("hello");
        assertThat(firstLine(connect(port))).isEqualTo("hello");
        assertThat(firstLine(connect(port))).isEqualTo("<closed>");
        await().atMost(Duration.ofSeconds(5)).until(() -> listener.open() == 2);
    }

    @Test
    void perClientCapLeavesOtherAddressesAlone() throws Exception {
        ConnectionLimits listener = new ConnectionLimits("listener http", 0, 1, null);
        InetAddress first = InetAddress.getByName("127.0.0.1");
        InetAddress second = InetAddress.getByName("::1");
        EmbeddedChannel a1 = peer(listener, first);
        EmbeddedChannel a2 = peer(listener, first);
        EmbeddedChannel b1 = peer(listener, second);
        assertThat(a1.isActive()).isTrue();
        assertThat(a2.isActive()).as("second connection from the same address").isFalse();
        assertThat(b1.isActive()).isTrue();
        a1.close();
        EmbeddedChannel a3 = peer(listener, first);
        assertThat(a3.isActive()).isTrue();
        b1.close();
        a3.close();
        assertThat(listener.open()).isZero();
        for (EmbeddedChannel ch : List.of(a1, a2, b1, a3)) {
            assertThat(ch.finishAndReleaseAll()).isFalse();
        }
    }

    private static EmbeddedChannel peer(ConnectionLimits limits, InetAddress address) {
        return new EmbeddedChannel(new ConnectionLimiter(limits)) {
            @Override
            protected SocketAddress remoteAddress0() {
                return new InetSocketAddress(address, 40000);
            }
        };
    }
}
