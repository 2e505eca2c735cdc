package dev.tether.core.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.tether.core.log.ExchangeListener;
import dev.tether.core.testing.LeakCheck;
import dev.tether.core.tls.ReloadingSslContext;
import dev.tether.core.tls.TestCertificates;
import dev.tether.core.tls.TestCertificates.Generated;
import dev.tether.core.tls.TlsConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The front-door pieces in one pipeline over real loopback sockets, assembled as {@link FrontDoor}'s Javadoc
 * tells the frontend to (AUTO_READ off, the last handler asking for reads), with a handler that reports what
 * it would forward instead of a backend.
 */
@ExtendWith(LeakCheck.class)
class FrontDoorIT {

    private static final String HSTS = "max-age=63072000; includeSubDomains; preload";

    @TempDir
    static Path dir;

    static Generated certificate;

    private final AtomicInteger requests = new AtomicInteger();
    private final List<String> handshakes = new CopyOnWriteArrayList<>();
    private final ExchangeListener events = new ExchangeListener() {
        @Override
        public void tlsHandshake(String listener, boolean success) {
            handshakes.add(listener + (success ? " ok" : " failed"));
        }
    };
    private EventLoopGroup group;
    private FrontDoor door;

    @BeforeAll
    static void certificate() {
        certificate = TestCertificates.rsa();
    }

    @AfterEach
    void stop() {
        if (door != null) {
            door.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void proxyV2ThenTlsThenHttpsRequest() throws Exception {
        Path bundle = dir.resolve("bundle.pem");
        Generated.writeAtomically(bundle, certificate.bundlePem());
        TlsConfig tls = TlsConfig.bundle(bundle).withReloadCheckInterval(Duration.ZERO);
        FrontDoorConfig config = new FrontDoorConfig(tls, 0, 443,
                new ResponseHeaderRules(List.of(), List.of(ResponseHeaderRules.Header.of("Strict-Transport-Security",
                        HSTS)), true),
                CidrSet.of("127.0.0.0/8"), true);
        int port = start(FrontDoor.of("https", config, ReloadingSslContext.start("https", tls, SslProvider.JDK)));

        try (Socket raw = new Socket("127.0.0.1", port)) {
            raw.setSoTimeout(5_000);
            raw.getOutputStream().write(v2("198.51.100.7", 56324));
            SSLContext client = TestCertificates.clientTrusting(certificate.certificate());
            try (SSLSocket tlsSocket = (SSLSocket) client.getSocketFactory().createSocket(raw, "localhost", port, true)) {
                tlsSocket.startHandshake();
                String response = exchange(tlsSocket, "GET /a HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 6.6.6.6\r\n\r\n");
                assertThat(response).startsWith("HTTP/1.1 200 OK")
                        .contains("Strict-Transport-Security: " + HSTS) // the name as configured
                        .contains("x-served-by: web1")
                        .endsWith("client=198.51.100.7 xff=198.51.100.7 proto=https");
                // keep-alive: a second request on the same TLS connection
                assertThat(exchange(tlsSocket, "GET /b HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 200 OK");
            }
        }
        assertThat(requests.get()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(5)).until(() -> handshakes.equals(List.of("https ok")));

        // a plain-HTTP client on the TLS port: the handshake fails, nothing is forwarded
        try (Socket plain = new Socket("127.0.0.1", port)) {
            plain.setSoTimeout(5_000);
            plain.getOutputStream().write(v2("198.51.100.8", 1));
            plain.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            readToEnd(plain.getInputStream());
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> handshakes.equals(List.of("https ok", "https failed")));
        assertThat(requests.get()).isEqualTo(2);
    }

    @Test
    void proxyV1FromTrustedBalancerThenTrustedXffChain() throws Exception {
        FrontDoorConfig config = new FrontDoorConfig(null, 0, 443, ResponseHeaderRules.none(),
                CidrSet.of("127.0.0.1", "10.0.0.0/8"), true);
        int port = start(FrontDoor.of("http", config, null));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            String response = exchange(socket, "PROXY TCP4 10.1.2.3 10.0.0.1 40000 80\r\n"
                    + "GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 6.6.6.6, 198.51.100.9\r\n"
                    + "X-Forwarded-Proto: https\r\n\r\n");
            assertThat(response).endsWith("client=198.51.100.9 xff=6.6.6.6, 198.51.100.9, 10.1.2.3 proto=https");
        }
    }

    @Test
    void malformedProxyHeaderClosesAndNothingIsForwarded() throws Exception {
        FrontDoorConfig config = new FrontDoorConfig(null, 0, 443, ResponseHeaderRules.none(),
                CidrSet.of("127.0.0.1"), true);
        int port = start(FrontDoor.of("http", config, null));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readToEnd(socket.getInputStream())).isEmpty();
        }
        assertThat(requests.get()).isZero();
    }

    @Test
    void untrustedPeerStartsANewForwardedFor() throws Exception {
        FrontDoorConfig config = new FrontDoorConfig(null, 0, 443, ResponseHeaderRules.none(),
                CidrSet.of("10.0.0.0/8"), false);
        int port = start(FrontDoor.of("http", config, null));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            String response = exchange(socket, "GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 6.6.6.6\r\n"
                    + "X-Forwarded-Proto: https\r\n\r\n");
            assertThat(response).endsWith("client=127.0.0.1 xff=127.0.0.1 proto=http").doesNotContain("x-served-by");
        }
    }

    @Test
    void redirectListener() throws Exception {
        FrontDoorConfig config = new FrontDoorConfig(null, 301, 443, ResponseHeaderRules.none(), CidrSet.empty(),
                false);
        int port = start(FrontDoor.of("http", config, null));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            String first = exchange(socket, "GET /project/1?tab=2 HTTP/1.1\r\nHost: overleaf.example\r\n\r\n");
            assertThat(first).startsWith("HTTP/1.1 301 Moved Permanently")
                    .contains("location: https://overleaf.example/project/1?tab=2");
            String second = exchange(socket, "GET /login HTTP/1.1\r\nHost: overleaf.example\r\n\r\n");
            assertThat(second).contains("location: https://overleaf.example/login");
        }
        assertThat(requests.get()).isZero();
    }

    private int start(FrontDoor frontDoor) throws InterruptedException {
        door = frontDoor;
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Channel server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        door.initConnection(ch, events);
                        ch.pipeline().addLast(new HttpServerCodec());
                        ch.pipeline().addLast(door.redirects() ? door.newRedirectHandler() : new Reporter());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Stands in for FrontendHandler: answers with what it would forward; reads one message at a time. */
    private final class Reporter extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a failed TLS handshake arrives here (NotSslRecordException, SSLHandshakeException)
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.read();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpRequest request) {
                    requests.incrementAndGet();
                    ClientAddress client = door.clientAddress(ctx.channel(), request.headers());
                    String body = "client=" + client.client().getHostAddress() + " xff=" + client.forwardedFor()
                            + " proto=" + door.forwardedProto(ctx.channel(), request.headers());
                    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                            HttpResponseStatus.OK, Unpooled.copiedBuffer(body, StandardCharsets.US_ASCII));
                    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
                    door.config().responseHeaders().apply(response.headers(), "web1");
                    ctx.writeAndFlush(response);
                }
                ctx.read(); // one message at a time, as the forwarding handler does under AUTO_READ off
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    private static byte[] v2(String source, int sourcePort) {
        EmbeddedChannel encoder = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
        encoder.writeOutbound(new HAProxyMessage(HAProxyProtocolVersion.V2, HAProxyCommand.PROXY,
                HAProxyProxiedProtocol.TCP4, source, "127.0.0.1", sourcePort, 443));
        ByteBuf bytes = encoder.readOutbound();
        byte[] array = ByteBufUtil.getBytes(bytes);
        bytes.release();
        assertFalse(encoder.finishAndReleaseAll());
        return array;
    }

    /** Writes a request and reads one response with a Content-Length body; returns head and body as text. */
    private static String exchange(Socket socket, String request) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after " + head.toString(StandardCharsets.US_ASCII));
            }
            head.write(b);
        }
        String headText = head.toString(StandardCharsets.US_ASCII);
        int length = 0;
        for (String line : headText.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return headText + new String(in.readNBytes(length), StandardCharsets.US_ASCII);
    }

    private static String readToEnd(InputStream in) throws IOException {
        try {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (java.net.SocketException reset) {
            return ""; // closed with unread input: a reset is also "closed, nothing answered"
        }
    }
}
