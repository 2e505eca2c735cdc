package dev.tether.core.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.tether.core.testing.LeakCheck;
import dev.tether.core.tls.TestCertificates.Generated;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TLS termination over real loopback sockets: a Netty server whose pipeline starts with
 * {@link ReloadingSslContext#newHandler}, and a JDK client that trusts only the test certificates and pins the
 * protocol version. Runs with BoringSSL (netty-tcnative) and with the JDK provider.
 */
@ExtendWith(LeakCheck.class)
class TlsIT {

    @TempDir
    static Path dir;

    static Generated first;
    static Generated second;

    private EventLoopGroup group;
    private ReloadingSslContext tls;

    @BeforeAll
    static void certificates() {
        first = TestCertificates.rsa();
        second = TestCertificates.ec();
    }

    @AfterEach
    void stop() {
        if (tls != null) {
            tls.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    static Stream<Arguments> providersAndProtocols() {
        return Stream.of(
                Arguments.of(SslProvider.OPENSSL, "TLSv1.3"),
                Arguments.of(SslProvider.OPENSSL, "TLSv1.2"),
                Arguments.of(SslProvider.JDK, "TLSv1.3"),
                Arguments.of(SslProvider.JDK, "TLSv1.2"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("providersAndProtocols")
    void handshakeAndRequest(SslProvider provider, String protocol) throws Exception {
        requireProvider(provider);
        Path cert = dir.resolve(provider + protocol + "-cert.pem");
        Path key = dir.resolve(provider + protocol + "-key.pem");
        Generated.writeAtomically(cert, first.certificatePem());
        Generated.writeAtomically(key, first.keyPem());
        int port = startServer(TlsConfig.of(cert, key), provider);

        try (SSLSocket socket = connect(port, protocol, first.certificate())) {
            assertThat(socket.getSession().getProtocol()).isEqualTo(protocol);
            assertThat(socket.getApplicationProtocol()).isEqualTo("http/1.1");
            assertThat(socket.getSession().getPeerCertificates()[0]).isEqualTo(first.certificate());
            assertThat(socket.getSession().getCipherSuite()).isIn(TlsConfig.DEFAULT_CIPHERS);
            assertThat(get(socket, "/hello?x=1")).isEqualTo("200 /hello?x=1");
        }
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void newConnectionsGetTheRenewedCertificateAndOpenOnesKeepWorking(SslProvider provider) throws Exception {
        requireProvider(provider);
        Path bundle = dir.resolve(provider + "-bundle.pem");
        Generated.writeAtomically(bundle, first.bundlePem());
        int port = startServer(TlsConfig.bundle(bundle).withReloadCheckInterval(Duration.ofMillis(50)), provider);

        try (SSLSocket before = connect(port, "TLSv1.3", first.certificate(), second.certificate())) {
            assertThat(get(before, "/one")).isEqualTo("200 /one");
            assertThat(before.getSession().getPeerCertificates()[0]).isEqualTo(first.certificate());

            Generated.writeAtomically(bundle, second.bundlePem()); // certbot renewal, RSA -> ECDSA even

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                try (SSLSocket after = connect(port, "TLSv1.3", first.certificate(), second.certificate())) {
                    assertThat(after.getSession().getPeerCertificates()[0]).isEqualTo(second.certificate());
                    assertThat(get(after, "/two")).isEqualTo("200 /two");
                }
            });
            assertThat(tls.certificate()).isEqualTo(second.certificate());

            // the connection opened before the renewal still works, with the certificate it started with
            assertThat(get(before, "/three")).isEqualTo("200 /three");
            assertThat(before.getSession().getPeerCertificates()[0]).isEqualTo(first.certificate());
        }
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void protocolsSettingIsEnforced(SslProvider provider) throws Exception {
        requireProvider(provider);
        Path bundle = dir.resolve(provider + "-only13.pem");
        Generated.writeAtomically(bundle, first.bundlePem());
        int port = startServer(TlsConfig.bundle(bundle).withProtocols(List.of("TLSv1.3")), provider);

        assertThatThrownBy(() -> connect(port, "TLSv1.2", first.certificate()).close())
                .isInstanceOf(javax.net.ssl.SSLException.class);
        try (SSLSocket socket = connect(port, "TLSv1.3", first.certificate())) {
            assertThat(get(socket, "/")).isEqualTo("200 /");
        }
    }

    private static void requireProvider(SslProvider provider) {
        if (provider == SslProvider.OPENSSL) {
            // netty-tcnative-boringssl-static ships linux-x86_64 natives; elsewhere the JDK cases still run
            assumeThat(OpenSsl.isAvailable()).as("netty-tcnative loads").isTrue();
        }
    }

    private int startServer(TlsConfig config, SslProvider provider) throws InterruptedException {
        tls = ReloadingSslContext.start("test", config, provider);
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Channel server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc()), new HttpServerCodec(), new EchoUri());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    private static SSLSocket connect(int port, String protocol, X509Certificate... trusted) throws Exception {
        SSLContext client = TestCertificates.clientTrusting(trusted);
        SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout(5_000);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setProtocols(new String[] {protocol});
        parameters.setApplicationProtocols(new String[] {"http/1.1"});
        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate names 127.0.0.1
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    /** One keep-alive GET; returns "status body". */
    private static String get(SSLSocket socket, String uri) throws Exception {
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + uri + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        String status = in.readLine();
        int length = 0;
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        char[] body = new char[length];
        int read = 0;
        while (read < length) {
            read += in.read(body, read, length - read);
        }
        return List.of(status.split(" ")).get(1) + " " + new String(body);
    }

    /** Answers each request with its URI; no state, so one reader per request above is fine. */
    private static final class EchoUri extends SimpleChannelInboundHandler<HttpObject> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpRequest request) {
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        Unpooled.copiedBuffer(request.uri(), StandardCharsets.US_ASCII));
                response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
                ctx.writeAndFlush(response);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // refused handshakes are expected in protocolsSettingIsEnforced
        }
    }
}
