package dev.tether.core.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * TLS termination settings of one listener.
 *
 * <p>The certificate chain and key are PEM files: either one bundle holding the chain and the key (what HAProxy's
 * {@code crt} takes, e.g. certbot's {@code fullchain.pem} and {@code privkey.pem} concatenated), or separate
 * files (certbot's {@code fullchain.pem} and {@code privkey.pem} as they are). For a bundle, {@code key} and
 * {@code certChain} are the same path.
 *
 * @param certChain PEM file with the server certificate first, then intermediates
 * @param key PEM file with the unencrypted private key (PKCS#8 {@code PRIVATE KEY}, PKCS#1
 *     {@code RSA PRIVATE KEY} or SEC1 {@code EC PRIVATE KEY}); same as {@code certChain} for a bundle
 * @param protocols enabled protocol versions, from {@link #SUPPORTED_PROTOCOLS}
 * @param ciphers TLS 1.2 and 1.3 cipher suites by their IANA names; ones the provider lacks are skipped
 * @param reloadCheckInterval how often the files are checked for a change; {@link Duration#ZERO} turns reload off
 */
public record TlsConfig(
        Path certChain, Path key, List<String> protocols, List<String> ciphers, Duration reloadCheckInterval) {

    public static final Set<String> SUPPORTED_PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /**
     * Mozilla's "intermediate" profile: TLS 1.3 suites, then forward-secret AEAD suites for TLS 1.2 clients.
     */
    public static final List<String> DEFAULT_CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    public static final Duration DEFAULT_RELOAD_CHECK_INTERVAL = Duration.ofMinutes(1);

    public TlsConfig {
        Objects.requireNonNull(certChain, "certChain");
        key = key == null ? certChain : key;
        protocols = List.copyOf(protocols);
        ciphers = List.copyOf(ciphers);
        Objects.requireNonNull(reloadCheckInterval, "reloadCheckInterval");
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("protocols is empty (expected some of " + SUPPORTED_PROTOCOLS + ")");
        }
        for (String protocol : protocols) {
            if (!SUPPORTED_PROTOCOLS.contains(protocol)) {
                throw new IllegalArgumentException("protocol \"" + protocol + "\" (expected TLSv1.2 or TLSv1.3)");
            }
        }
        if (ciphers.isEmpty()) {
            throw new IllegalArgumentException("ciphers is empty (expected IANA suite names such as "
                    + "TLS_AES_128_GCM_SHA256)");
        }
        if (reloadCheckInterval.isNegative()) {
            throw new IllegalArgumentException("reload check interval " + reloadCheckInterval
                    + " (expected 0 for off, or a positive duration)");
        }
    }

    /** Separate certificate chain and key files with the defaults. */
    public static TlsConfig of(Path certChain, Path key) {
        return new TlsConfig(certChain, key, DEFAULT_PROTOCOLS, DEFAULT_CIPHERS, DEFAULT_RELOAD_CHECK_INTERVAL);
    }

    /** One PEM bundle with chain and key, as HAProxy's {@code crt}, with the defaults. */
    public static TlsConfig bundle(Path bundle) {
        return of(bundle, bundle);
    }

    public boolean isBundle() {
        return certChain.equals(key);
    }

    public TlsConfig withReloadCheckInterval(Duration interval) {
        return new TlsConfig(certChain, key, protocols, ciphers, interval);
    }

    public TlsConfig withProtocols(List<String> newProtocols) {
        return new TlsConfig(certChain, key, newProtocols, ciphers, reloadCheckInterval);
    }

    public TlsConfig withCiphers(List<String> newCiphers) {
        return new TlsConfig(certChain, key, protocols, newCiphers, reloadCheckInterval);
    }
}
