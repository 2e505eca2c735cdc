package dev.tether.core.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Self-signed certificates made at test time with the JDK's {@code keytool} (no BouncyCastle, no private keys in
 * the repository). Each certificate is for {@code localhost}, {@code 127.0.0.1} and {@code ::1}, valid two days.
 */
public final class TestCertificates {

    private static final char[] PASSWORD = "changeit".toCharArray();

    /** keytool is a JVM start each time (seconds on a busy 2-core box): share certificates within a test JVM. */
    private static final Map<String, Generated> CACHE = new ConcurrentHashMap<>();

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

    /** An RSA certificate for {@code a.test}. */
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
                Path dir = Files.createTempDirectory("tether-certs");
                dir.toFile().deleteOnExit();
                return generate(dir, cn, keyAlgorithm);
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("cannot generate a test certificate with keytool", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * Generates a key pair and self-signed certificate.
     *
     * @param commonName CN of the subject, to tell certificates apart
     * @param keyAlgorithm {@code RSA} or {@code EC}
     */
    public static Generated generate(Path workDir, String commonName, String keyAlgorithm)
            throws IOException, InterruptedException, GeneralSecurityException {
        Path store = Files.createTempFile(workDir, "keystore", ".p12");
        Files.delete(store); // keytool wants to create it
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        List<String> command = new ArrayList<>(List.of(keytool, "-genkeypair", "-alias", "tether",
                "-keyalg", keyAlgorithm, "-keysize", keyAlgorithm.equals("EC") ? "256" : "2048",
                "-dname", "CN=" + commonName, "-ext", "SAN=dns:localhost,ip:127.0.0.1,ip:::1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD), "-noprompt"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keyStore.load(in, PASSWORD);
        }
        Files.delete(store);
        return new Generated((X509Certificate) keyStore.getCertificate("tether"),
                (PrivateKey) keyStore.getKey("tether", PASSWORD));
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
}
