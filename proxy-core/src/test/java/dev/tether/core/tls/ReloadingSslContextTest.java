package dev.tether.core.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.testing.LeakCheck;
import dev.tether.core.tls.TestCertificates.Generated;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Reload decisions driven by hand with {@link ReloadingSslContext#checkNow()}; no sockets, no timers. */
@ExtendWith(LeakCheck.class)
class ReloadingSslContextTest {

    @TempDir
    static Path dir;

    static Generated first;
    static Generated second;

    @BeforeAll
    static void certificates() {
        first = TestCertificates.rsa();
        second = TestCertificates.otherRsa();
    }

    @Test
    void unchangedFilesAreNotReloaded() throws Exception {
        Path bundle = dir.resolve("unchanged.pem");
        Generated.writeAtomically(bundle, first.bundlePem());
        try (ReloadingSslContext tls = start(bundle)) {
            assertThat(tls.checkNow()).isFalse();
            Generated.writeAtomically(bundle, first.bundlePem()); // touched, same bytes
            assertThat(tls.checkNow()).isFalse();
            assertThat(tls.certificate()).isEqualTo(first.certificate());
        }
    }

    @Test
    void brokenRenewalKeepsThePreviousCertificateUntilFixed() throws Exception {
        Path cert = dir.resolve("broken-cert.pem");
        Path key = dir.resolve("broken-key.pem");
        Generated.writeAtomically(cert, first.certificatePem());
        Generated.writeAtomically(key, first.keyPem());
        try (ReloadingSslContext tls = ReloadingSslContext.start("web",
                TlsConfig.of(cert, key).withReloadCheckInterval(Duration.ZERO), SslProvider.JDK)) {
            // certbot wrote the new certificate but not yet the new key
            Generated.writeAtomically(cert, second.certificatePem());
            assertThatThrownBy(tls::checkNow).hasMessageContaining("does not belong to the first certificate");
            assertThat(tls.certificate()).isEqualTo(first.certificate());
            assertThat(tls.checkNow()).as("reported once, not at every check").isFalse();

            Generated.writeAtomically(key, second.keyPem());
            assertThat(tls.checkNow()).isTrue();
            assertThat(tls.certificate()).isEqualTo(second.certificate());
        }
    }

    @Test
    void missingFileAtStartNamesIt() {
        Path missing = dir.resolve("nope.pem");
        assertThatThrownBy(() -> start(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(missing + ": no such file (expected a PEM file readable by Tether; relative paths start "
                        + "from the working directory)");
    }

    @Test
    void handlersComeFromTheCurrentContext() throws Exception {
        Path bundle = dir.resolve("handler.pem");
        Generated.writeAtomically(bundle, first.bundlePem());
        try (ReloadingSslContext tls = start(bundle)) {
            SslHandler handler = tls.newHandler(ByteBufAllocator.DEFAULT);
            try {
                assertThat(handler.engine().getUseClientMode()).isFalse();
                assertThat(handler.engine().getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
            } finally {
                ReferenceCountUtil.release(handler.engine());
            }
        }
    }

    @Test
    void expiryWarnings() {
        java.security.cert.X509Certificate cert = first.certificate(); // valid from an hour ago for 30 days
        java.time.Instant notAfter = cert.getNotAfter().toInstant();
        assertThat(ReloadingSslContext.expiryWarning(cert, notAfter.minus(Duration.ofDays(1))))
                .startsWith("TLS certificate CN=a.test expires in 1 days")
                .endsWith("is its renewal failing?");
        assertThat(ReloadingSslContext.expiryWarning(cert, notAfter)).contains("expired at " + notAfter);
        assertThat(ReloadingSslContext.expiryWarning(cert, cert.getNotBefore().toInstant().minusSeconds(1)))
                .contains("is not valid before");
        assertThat(ReloadingSslContext.expiryWarning(cert, notAfter.minus(Duration.ofDays(20)))).isNull();
    }

    private static ReloadingSslContext start(Path bundle) {
        return ReloadingSslContext.start("web", TlsConfig.bundle(bundle).withReloadCheckInterval(Duration.ZERO),
                SslProvider.JDK);
    }

    @Test
    void bundleAndSeparateFilesAreTold() {
        assertThat(TlsConfig.bundle(Path.of("a.pem")).isBundle()).isTrue();
        assertThat(TlsConfig.of(Path.of("a.pem"), Path.of("b.pem")).isBundle()).isFalse();
    }
}
