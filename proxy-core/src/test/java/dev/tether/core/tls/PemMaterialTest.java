package dev.tether.core.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.tls.TestCertificates.Generated;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PemMaterialTest {

    static Generated rsa;
    static Generated otherRsa;
    static Generated ec;

    @BeforeAll
    static void generate() {
        rsa = TestCertificates.rsa();
        otherRsa = TestCertificates.otherRsa();
        ec = TestCertificates.ec();
    }

    @Test
    void separateFiles() {
        PemMaterial material = PemMaterial.parse(rsa.certificatePem(), rsa.keyPem(), "cert.pem", "key.pem");
        assertThat(material.leaf()).isEqualTo(rsa.certificate());
        assertThat(material.key().getEncoded()).isEqualTo(rsa.key().getEncoded());
    }

    @Test
    void bundleWithKeyAfterChainAndTextAround() {
        String bundle = "subject=CN=rsa.test\n" + rsa.certificatePem() + otherRsa.certificatePem()
                + "-----BEGIN DH PARAMETERS-----\nMAA=\n-----END DH PARAMETERS-----\n" + rsa.keyPem();
        PemMaterial material = PemMaterial.parse(bundle, bundle, "site.pem", "site.pem");
        assertThat(material.chain()).containsExactly(rsa.certificate(), otherRsa.certificate());
    }

    @Test
    void keyBeforeChainInBundle() {
        String bundle = ec.keyPem() + ec.certificatePem();
        assertThat(PemMaterial.parse(bundle, bundle, "b.pem", "b.pem").leaf()).isEqualTo(ec.certificate());
    }

    @Test
    void pkcs1RsaKey() {
        String pkcs1 = TestCertificates.pem("RSA PRIVATE KEY", innerKey(rsa.key().getEncoded()));
        PemMaterial material = PemMaterial.parse(rsa.certificatePem(), pkcs1, "cert.pem", "key.pem");
        assertThat(material.key().getAlgorithm()).isEqualTo("RSA");
    }

    @Test
    void sec1EcKeyWithCurve() {
        byte[] sec1 = withCurve(innerKey(ec.key().getEncoded()));
        String pem = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
                + TestCertificates.pem("EC PRIVATE KEY", sec1);
        PemMaterial material = PemMaterial.parse(ec.certificatePem(), pem, "cert.pem", "key.pem");
        assertThat(material.key().getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void keyOfAnotherCertificateIsNamed() {
        assertThatThrownBy(() -> PemMaterial.parse(rsa.certificatePem(), otherRsa.keyPem(), "cert.pem", "key.pem"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key.pem: the private key does not belong to the first certificate in cert.pem")
                .hasMessageContaining("CN=a.test");
    }

    @Test
    void keyOfAnotherAlgorithmIsNamed() {
        assertThatThrownBy(() -> PemMaterial.parse(rsa.certificatePem(), ec.keyPem(), "cert.pem", "key.pem"))
                .hasMessageContaining("the certificate has a RSA key, the key file a EC key");
    }

    @Test
    void missingCertificate() {
        assertThatThrownBy(() -> PemMaterial.parse(rsa.keyPem(), rsa.keyPem(), "only-key.pem", "only-key.pem"))
                .hasMessageStartingWith("only-key.pem: no \"-----BEGIN CERTIFICATE-----\" block");
    }

    @Test
    void missingKeyInBundle() {
        String bundle = rsa.certificatePem();
        assertThatThrownBy(() -> PemMaterial.parse(bundle, bundle, "site.pem", "site.pem"))
                .hasMessageStartingWith("site.pem: no private key")
                .hasMessageContaining("appended to the certificate chain in the bundle");
    }

    @Test
    void encryptedKeyIsRefusedWithTheFix() {
        String encrypted = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n-----END ENCRYPTED PRIVATE KEY-----\n";
        assertThatThrownBy(() -> PemMaterial.parse(rsa.certificatePem(), encrypted, "cert.pem", "key.pem"))
                .hasMessageContaining("key.pem: the private key is encrypted")
                .hasMessageContaining("openssl pkey -in key.pem");
    }

    @Test
    void twoKeysAreRefused() {
        assertThatThrownBy(() -> PemMaterial.parse(rsa.certificatePem(), rsa.keyPem() + rsa.keyPem(), "c", "k.pem"))
                .hasMessage("k.pem: more than one private key (expected exactly one)");
    }

    @Test
    void garbageCertificate() {
        String bad = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assertThatThrownBy(() -> PemMaterial.parse(bad, rsa.keyPem(), "cert.pem", "key.pem"))
                .hasMessageStartingWith("cert.pem: certificate 1 is not a valid X.509 certificate");
    }

    /** PKCS#8 PrivateKeyInfo -> the OCTET STRING inside (PKCS#1 for RSA, SEC1 for EC). */
    private static byte[] innerKey(byte[] pkcs8) {
        int[] pos = {0};
        expect(pkcs8, pos, 0x30);
        length(pkcs8, pos);
        expect(pkcs8, pos, 0x02);
        skip(pkcs8, pos);
        expect(pkcs8, pos, 0x30);
        skip(pkcs8, pos);
        expect(pkcs8, pos, 0x04);
        int length = length(pkcs8, pos);
        return Arrays.copyOfRange(pkcs8, pos[0], pos[0] + length);
    }

    /** The JDK writes SEC1 without the curve; OpenSSL writes it with [0] prime256v1. Add it. */
    private static byte[] withCurve(byte[] sec1) {
        int[] pos = {0};
        expect(sec1, pos, 0x30);
        int length = length(sec1, pos);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(sec1, pos[0], length);
        body.writeBytes(new byte[] {(byte) 0xa0, 0x0a, 0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03,
            0x01, 0x07});
        byte[] content = body.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        out.write(content.length); // < 128 for P-256 without the public key
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static void skip(byte[] der, int[] pos) {
        int length = length(der, pos); // not "pos[0] += length(...)": that reads pos[0] before length() moves it
        pos[0] += length;
    }

    private static void expect(byte[] der, int[] pos, int tag) {
        assertThat(der[pos[0]++] & 0xff).isEqualTo(tag);
    }

    private static int length(byte[] der, int[] pos) {
        int first = der[pos[0]++] & 0xff;
        if (first < 0x80) {
            return first;
        }
        int value = 0;
        for (int i = 0; i < (first & 0x7f); i++) {
            value = (value << 8) | (der[pos[0]++] & 0xff);
        }
        return value;
    }
}
