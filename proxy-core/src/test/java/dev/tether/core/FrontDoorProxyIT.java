package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.config.ListenerConfig;
import dev.tether.core.frontdoor.CidrSet;
import dev.tether.core.frontdoor.FrontDoorConfig;
import dev.tether.core.frontdoor.ResponseHeaderRules;
import dev.tether.core.testing.LeakCheck;
import dev.tether.core.testing.RawClient;
import dev.tether.core.testing.TestBackend;
import dev.tether.core.testing.TestProxy;
import dev.tether.core.tls.TestCertificates;
import dev.tether.core.tls.TlsConfig;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The front door on the real proxy: TLS termination, X-Forwarded-Proto, HSTS, X-Served-By, redirect, trusted XFF. */
@ExtendWith(LeakCheck.class)
class FrontDoorProxyIT {

    private TestBackend a;
    private ProxyServer proxy;

    @BeforeEach
    void setUp() throws Exception {
        a = new TestBackend("a");
    }

    @AfterEach
    void tearDown() {
        if (proxy != null) {
            proxy.stop(Duration.ZERO);
        }
        a.close();
    }

    private static ResponseHeaderRules hsts() {
        return new ResponseHeaderRules(List.of(),
                List.of(ResponseHeaderRules.Header.of("Strict-Transport-Security",
                        "max-age=63072000; includeSubDomains; preload")), true);
    }

    private ProxyServer start(FrontDoorConfig frontDoor) throws InterruptedException {
        TestProxy p = new TestProxy().backends(a);
        p.listener = ListenerConfig.of("web", "127.0.0.1", 0).withFrontDoor(frontDoor);
        return p.start();
    }

    @Test
    void httpsIsTerminatedAndMarkedForTheServer(@TempDir Path dir) throws Exception {
        var cert = TestCertificates.rsa();
        Path bundle = dir.resolve("site.pem");
        Files.writeString(bundle, cert.bundlePem());
        proxy = start(new FrontDoorConfig(TlsConfig.bundle(bundle), 0, 443, hsts(), CidrSet.empty(), false));
        SSLContext ssl = TestCertificates.clientTrusting(cert.certificate());
        for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
            try (SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", proxy.port())) {
                socket.setEnabledProtocols(new String[] {protocol});
                socket.setSoTimeout(10_000);
                socket.startHandshake();
                assertThat(socket.getSession().getProtocol()).isEqualTo(protocol);
                socket.getOutputStream().write(
                        "GET /secure HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                socket.getInputStream().transferTo(out);
                String response = out.toString(StandardCharsets.US_ASCII);
                assertThat(response).startsWith("HTTP/1.1 200")
                        .containsIgnoringCase("strict-transport-security: max-age=63072000; includeSubDomains; preload")
                        .containsIgnoringCase("x-served-by: a");
            }
        }
        assertThat(a.seen()).hasSize(2);
        assertThat(a.seen().get(0).headers().get("X-Forwarded-Proto")).isEqualTo("https");
    }

    @Test
    void plainListenerRedirectsToHttpsKeepingPathAndQuery() throws Exception {
        proxy = start(new FrontDoorConfig(null, 301, 443, ResponseHeaderRules.none(), CidrSet.empty(), false));
        try (RawClient raw = new RawClient(proxy.port())) {
            String response = raw.send("GET /project/1?tab=files HTTP/1.1\r\nHost: overleaf.example\r\n\r\n")
                    .readResponses(1);
            assertThat(response).startsWith("HTTP/1.1 301")
                    .containsIgnoringCase("location: https://overleaf.example/project/1?tab=files");
        }
        assertThat(a.seen()).isEmpty();
    }

    @Test
    void forwardedForIsTakenFromTrustedPeersOnly() throws Exception {
        proxy = start(new FrontDoorConfig(null, 0, 443, ResponseHeaderRules.none(), CidrSet.of("127.0.0.0/8"), false));
        try (RawClient raw = new RawClient(proxy.port())) {
            raw.send("GET /t HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.9\r\n\r\n").readResponses(1);
        }
        assertThat(a.seen().get(0).headers().get("X-Forwarded-For")).isEqualTo("203.0.113.9, 127.0.0.1");
        proxy.stop(Duration.ZERO);

        proxy = start(FrontDoorConfig.plain());
        try (RawClient raw = new RawClient(proxy.port())) {
            raw.send("GET /u HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.9\r\n\r\n").readResponses(1);
        }
        assertThat(a.seen().get(1).headers().get("X-Forwarded-For")).isEqualTo("127.0.0.1");
    }
}
