package dev.tether.core.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A certificate chain and its private key read from PEM text, with the JDK only.
 *
 * <p>Accepts what certbot, HAProxy and OpenSSL write: {@code CERTIFICATE} blocks (leaf first), and one key as
 * PKCS#8 {@code PRIVATE KEY}, PKCS#1 {@code RSA PRIVATE KEY} or SEC1 {@code EC PRIVATE KEY} (the last two are
 * rewrapped as PKCS#8 with a few bytes of DER). Other blocks ({@code EC PARAMETERS}, {@code DH PARAMETERS}) and text
 * between blocks are ignored. Encrypted keys are refused: a proxy restarting unattended has nobody to type the
 * passphrase. The key must belong to the first certificate; that is checked by signing and verifying a nonce.
 *
 * @param chain the certificates, leaf first
 * @param key the leaf's private key
 */
public record PemMaterial(List<X509Certificate> chain, PrivateKey key) {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s:,\\-]*?)-----END \\1-----");

    private static final byte[] RSA_ALGORITHM = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00
    };
    private static final byte[] EC_PUBLIC_KEY_OID = {
        0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01
    };

    public PemMaterial {
        chain = List.copyOf(chain);
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    /**
     * Parses the chain and key.
     *
     * @param certPem text holding the certificate chain (and the key, for a bundle)
     * @param keyPem text holding the key (the same text for a bundle)
     * @param certName file name of the chain, for messages
     * @param keyName file name of the key, for messages
     * @throws IllegalArgumentException saying which file is wrong and what to write instead
     */
    public static PemMaterial parse(String certPem, String keyPem, String certName, String keyName) {
        List<X509Certificate> chain = new ArrayList<>();
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JDK has no X.509 support", e);
        }
        Matcher certBlocks = BLOCK.matcher(certPem);
        while (certBlocks.find()) {
            if (!certBlocks.group(1).equals("CERTIFICATE")) {
                continue;
            }
            try {
                chain.add((X509Certificate) factory.generateCertificate(
                        new ByteArrayInputStream(decode(certBlocks.group(2), certName))));
            } catch (CertificateException e) {
                throw new IllegalArgumentException(certName + ": certificate " + (chain.size() + 1)
                        + " is not a valid X.509 certificate (" + e.getMessage() + ")", e);
            }
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException(certName + ": no \"-----BEGIN CERTIFICATE-----\" block (expected the "
                    + "server certificate in PEM, then the intermediates, e.g. certbot's fullchain.pem)");
        }
        PrivateKey key = null;
        Matcher keyBlocks = BLOCK.matcher(keyPem);
        while (keyBlocks.find()) {
            String type = keyBlocks.group(1);
            if (!type.endsWith("PRIVATE KEY")) {
                continue;
            }
            if (key != null) {
                throw new IllegalArgumentException(keyName + ": more than one private key (expected exactly one)");
            }
            byte[] der = decode(keyBlocks.group(2), keyName);
            key = switch (type) {
                case "PRIVATE KEY" -> pkcs8(der, keyName);
                case "RSA PRIVATE KEY" -> pkcs8(wrapPkcs1(der), keyName);
                case "EC PRIVATE KEY" -> pkcs8(wrapSec1(der, keyName), keyName);
                case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException(keyName + ": the private key is "
                        + "encrypted (expected an unencrypted key; decrypt it with "
                        + "`openssl pkey -in " + keyName + " -out key.pem` and keep that file readable by Tether only)");
                default -> throw new IllegalArgumentException(keyName + ": unsupported key block \"" + type
                        + "\" (expected PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
            };
        }
        if (key == null) {
            throw new IllegalArgumentException(keyName + ": no private key (expected a \"-----BEGIN PRIVATE KEY-----\" "
                    + "block, e.g. certbot's privkey.pem" + (certName.equals(keyName)
                    ? ", appended to the certificate chain in the bundle)" : ")"));
        }
        checkPair(chain.get(0), key, certName, keyName);
        return new PemMaterial(chain, key);
    }

    public static PemMaterial parse(byte[] certPem, byte[] keyPem, String certName, String keyName) {
        return parse(new String(certPem, StandardCharsets.US_ASCII), new String(keyPem, StandardCharsets.US_ASCII),
                certName, keyName);
    }

    private static byte[] decode(String base64, String fileName) {
        if (base64.contains(":")) {
            // "Proc-Type: 4,ENCRYPTED" headers: a legacy OpenSSL encrypted key
            throw new IllegalArgumentException(fileName + ": the PEM block has headers (an encrypted legacy key?); "
                    + "expected an unencrypted key, e.g. from `openssl pkey -in " + fileName + " -out key.pem`");
        }
        try {
            return Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(fileName + ": a PEM block is not valid base64 (" + e.getMessage() + ")");
        }
    }

    private static PrivateKey pkcs8(byte[] der, String keyName) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException(keyName + ": the private key is not an RSA, EC or EdDSA key this JVM can "
                + "read (expected PKCS#8; convert with `openssl pkcs8 -topk8 -nocrypt -in " + keyName
                + " -out key.pem`)");
    }

    /** PKCS#1 RSAPrivateKey -> PKCS#8: SEQUENCE { 0, rsaEncryption, OCTET STRING pkcs1 }. */
    private static byte[] wrapPkcs1(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(RSA_ALGORITHM);
        body.writeBytes(tlv(0x04, pkcs1));
        return tlv(0x30, body.toByteArray());
    }

    /**
     * SEC1 ECPrivateKey -> PKCS#8: the curve OID sits in the SEC1 structure's [0] field and moves to the
     * AlgorithmIdentifier. SEC1: SEQUENCE { INTEGER 1, OCTET STRING d, [0] OID curve, [1] BIT STRING pub }.
     */
    private static byte[] wrapSec1(byte[] sec1, String keyName) {
        byte[] curve = null;
        int[] pos = {0};
        if (readTag(sec1, pos) != 0x30) {
            throw badSec1(keyName);
        }
        int end = readLength(sec1, pos) + pos[0];
        while (pos[0] < end && pos[0] < sec1.length) {
            int tag = readTag(sec1, pos);
            int length = readLength(sec1, pos);
            if (tag == 0xa0) {
                int inner = pos[0];
                if (readTag(sec1, new int[] {inner}) != 0x06) {
                    throw badSec1(keyName);
                }
                curve = java.util.Arrays.copyOfRange(sec1, inner, inner + length);
            }
            pos[0] += length;
        }
        if (curve == null) {
            throw new IllegalArgumentException(keyName + ": the EC key does not name its curve (expected PKCS#8; "
                    + "convert with `openssl pkcs8 -topk8 -nocrypt -in " + keyName + " -out key.pem`)");
        }
        ByteArrayOutputStream algorithm = new ByteArrayOutputStream();
        algorithm.writeBytes(EC_PUBLIC_KEY_OID);
        algorithm.writeBytes(curve);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(tlv(0x30, algorithm.toByteArray()));
        body.writeBytes(tlv(0x04, sec1));
        return tlv(0x30, body.toByteArray());
    }

    private static IllegalArgumentException badSec1(String keyName) {
        return new IllegalArgumentException(keyName + ": the EC PRIVATE KEY block is not valid SEC1 DER");
    }

    private static int readTag(byte[] der, int[] pos) {
        if (pos[0] >= der.length) {
            return -1;
        }
        return der[pos[0]++] & 0xff;
    }

    private static int readLength(byte[] der, int[] pos) {
        if (pos[0] >= der.length) {
            return 0;
        }
        int first = der[pos[0]++] & 0xff;
        if (first < 0x80) {
            return first;
        }
        int count = first & 0x7f;
        int length = 0;
        for (int i = 0; i < count && pos[0] < der.length; i++) {
            length = (length << 8) | (der[pos[0]++] & 0xff);
        }
        return length;
    }

    private static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = value.length;
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else if (length < 0x10000) {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length);
        } else {
            out.write(0x83);
            out.write(length >> 16);
            out.write(length >> 8);
            out.write(length);
        }
        out.writeBytes(value);
        return out.toByteArray();
    }

    private static void checkPair(X509Certificate leaf, PrivateKey key, String certName, String keyName) {
        PublicKey publicKey = leaf.getPublicKey();
        if (!publicKey.getAlgorithm().equals(key.getAlgorithm())
                && !(key.getAlgorithm().startsWith("Ed") && publicKey.getAlgorithm().startsWith("Ed"))) {
            throw mismatch(leaf, certName, keyName, "the certificate has a " + publicKey.getAlgorithm() + " key, the "
                    + "key file a " + key.getAlgorithm() + " key");
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            default -> null;
        };
        if (algorithm == null) {
            return; // RSASSA-PSS and friends: the TLS handshake will tell
        }
        try {
            byte[] nonce = new byte[32];
            new SecureRandom().nextBytes(nonce);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(nonce);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(nonce);
            if (!verifier.verify(signature)) {
                throw mismatch(leaf, certName, keyName, "they are different key pairs");
            }
        } catch (GeneralSecurityException e) {
            throw mismatch(leaf, certName, keyName, e.getMessage());
        }
    }

    private static IllegalArgumentException mismatch(
            X509Certificate leaf, String certName, String keyName, String why) {
        return new IllegalArgumentException(keyName + ": the private key does not belong to the first certificate in "
                + certName + " (" + leaf.getSubjectX500Principal().getName() + "): " + why + " (expected the key "
                + "issued with that certificate, and the server certificate first in the chain)");
    }
}
