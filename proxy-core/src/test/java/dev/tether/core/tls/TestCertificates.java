package dev.tether.core.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Self-signed certificates made at test time with the JDK alone (no BouncyCastle, no private keys in the
 * repository, no keytool process). Each certificate is for {@code localhost}, {@code 127.0.0.1} and {@code ::1},
 * valid from an hour ago for 30 days (beyond the expiry WARN).
 *
 * <p>The JDK can sign but has no public API to build a certificate, so {@link #generate} writes the few DER
 * structures of an X.509 v3 certificate itself (RFC 5280 section 4.1): version 3, a random serial, subject =
 * issuer = {@code CN=<name>}, the key's SubjectPublicKeyInfo, and a subjectAltName extension; then signs it with
 * SHA256withRSA or SHA256withECDSA. The JDK's CertificateFactory parsing the result is the check that it is
 * well-formed.
 */
public final class TestCertificates {

    private static final Map<String, Generated> CACHE = new ConcurrentHashMap<>();

    private static final byte[] SHA256_WITH_RSA = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00
    };
    private static final byte[] SHA256_WITH_ECDSA = {
        0x30, 0x0a, 0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x04, 0x03, 0x02
    };
    private static final byte[] COMMON_NAME = {0x06, 0x03, 0x55, 0x04, 0x03};
    private static final byte[] SUBJECT_ALT_NAME = {0x06, 0x03, 0x55, 0x1d, 0x11};
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");

    private TestCertificates() {}

    /** A certificate and its key, with their PEM text (PKCS#8 key). */
    public record Generated(X509Certificate certificate, PrivateKey key) {

        public String certificatePem() {
            try {
                return pem("CERTIFICATE", certificate.getEncoded());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        public String keyPem() {
            return pem("PRIVATE KEY", key.getEncoded());
        }

        /** Chain then key in one file, as HAProxy's {@code crt} takes. */
        public String bundlePem() {
            return certificatePem() + keyPem();
        }

        /** Writes the text to the path by rename, as certbot swaps files, so a reader never sees half a file. */
        public static void writeAtomically(Path path, String text) throws IOException {
            Path temp = Files.createTempFile(path.getParent(), "tmp", ".pem");
            Files.writeString(temp, text, StandardCharsets.US_ASCII);
            Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** An RSA certificate for {@code a.test}, shared within the test JVM. */
    public static Generated rsa() {
        return shared("a.test", "RSA");
    }

    /** Another RSA certificate, for {@code b.test}. */
    public static Generated otherRsa() {
        return shared("b.test", "RSA");
    }

    /** An ECDSA P-256 certificate, for {@code ec.test}. */
    public static Generated ec() {
        return shared("ec.test", "EC");
    }

    private static Generated shared(String commonName, String keyAlgorithm) {
        return CACHE.computeIfAbsent(commonName, cn -> {
            try {
                return generate(cn, keyAlgorithm);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot generate a test certificate", e);
            }
        });
    }

    /**
     * Generates a key pair and a self-signed certificate.
     *
     * @param commonName CN of the subject, to tell certificates apart
     * @param keyAlgorithm {@code RSA} (2048 bits) or {@code EC} (P-256)
     */
    public static Generated generate(String commonName, String keyAlgorithm) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(keyAlgorithm);
        if (keyAlgorithm.equals("EC")) {
            generator.initialize(new ECGenParameterSpec("secp256r1"));
        } else {
            generator.initialize(2048);
        }
        KeyPair pair = generator.generateKeyPair();
        boolean rsa = keyAlgorithm.equals("RSA");
        byte[] algorithm = rsa ? SHA256_WITH_RSA : SHA256_WITH_ECDSA;

        byte[] name = der(0x30, der(0x31, der(0x30, COMMON_NAME,
                der(0x0c, commonName.getBytes(StandardCharsets.UTF_8)))));
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        byte[] validity = der(0x30, utcTime(now.minusHours(1)), utcTime(now.plusDays(30)));
        byte[] altNames = der(0x30,
                der(0x82, "localhost".getBytes(StandardCharsets.US_ASCII)),
                der(0x87, new byte[] {127, 0, 0, 1}),
                der(0x87, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
        byte[] extensions = der(0xa3, der(0x30, der(0x30, SUBJECT_ALT_NAME, der(0x04, altNames))));
        byte[] serial = der(0x02, new BigInteger(63, new SecureRandom()).add(BigInteger.ONE).toByteArray());
        byte[] tbs = der(0x30,
                der(0xa0, der(0x02, new byte[] {2})), // v3
                serial, algorithm, name, validity, name, pair.getPublic().getEncoded(), extensions);

        Signature signer = Signature.getInstance(rsa ? "SHA256withRSA" : "SHA256withECDSA");
        signer.initSign(pair.getPrivate());
        signer.update(tbs);
        byte[] signature = signer.sign();
        byte[] bitString = new byte[signature.length + 1]; // leading byte: no unused bits
        System.arraycopy(signature, 0, bitString, 1, signature.length);
        byte[] certificate = der(0x30, tbs, algorithm, der(0x03, bitString));

        X509Certificate parsed = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(certificate));
        parsed.verify(pair.getPublic());
        return new Generated(parsed, pair.getPrivate());
    }

    /** A client SSLContext trusting exactly these certificates. */
    public static SSLContext clientTrusting(X509Certificate... certificates) throws GeneralSecurityException,
            IOException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (int i = 0; i < certificates.length; i++) {
            trust.setCertificateEntry("trusted" + i, certificates[i]);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static byte[] utcTime(ZonedDateTime time) {
        return der(0x17, time.format(UTC_TIME).getBytes(StandardCharsets.US_ASCII));
    }

    /** One DER element: tag, definite length, then the parts concatenated. */
    private static byte[] der(int tag, byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            content.writeBytes(part);
        }
        int length = content.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length);
        }
        out.writeBytes(content.toByteArray());
        return out.toByteArray();
    }
}
