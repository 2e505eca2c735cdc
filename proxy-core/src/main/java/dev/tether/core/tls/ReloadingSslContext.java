package dev.tether.core.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server {@link SslContext} of one TLS listener, rebuilt when its PEM files change so that certbot renewals
 * need no restart.
 *
 * <pre>
 *   "tether-tls-reload" daemon thread, every reloadCheckInterval:
 *       stat cert and key (mtime, size, inode) --unchanged--> done
 *            | changed
 *       read both, SHA-256 --same bytes--> done
 *            | different
 *       parse + build SslContext --fails--> WARN once, keep serving the previous certificate
 *            | ok
 *       current.set(new)            (INFO with subject and expiry)
 *
 *   event loop, per accepted connection: newHandler(alloc) = current.get().newHandler(alloc)
 * </pre>
 * All file I/O happens on the reload thread (or the caller of {@link #start}/{@link #checkNow}), never on an event
 * loop. A connection keeps the context it was accepted with, so swapping never disturbs open connections; the old
 * context is freed by the GC once its last engine is gone (the non-reference-counted OpenSSL provider is used for
 * exactly that reason).
 *
 * <p>The provider is OpenSSL (BoringSSL from netty-tcnative) when it loads, else the JDK's; which one is logged
 * once per process. ALPN advertises {@code http/1.1} only.
 */
public final class ReloadingSslContext implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReloadingSslContext.class);

    private static final AtomicBoolean PROVIDER_LOGGED = new AtomicBoolean();

    /** A certificate closer than this to its expiry is logged at WARN when loaded. */
    static final Duration EXPIRY_WARNING = Duration.ofDays(14);

    /** One thread for every listener's checks: they are a few stat() calls a minute. */
    private static final ScheduledExecutorService RELOADER = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "tether-tls-reload");
        thread.setDaemon(true);
        return thread;
    });

    private final String name;
    private final TlsConfig config;
    private final SslProvider provider;
    private final AtomicReference<Loaded> current = new AtomicReference<>();
    private final Object checkLock = new Object();
    private FileStamp seenStamp; // guarded by checkLock
    private volatile ScheduledFuture<?> task;

    private ReloadingSslContext(String name, TlsConfig config, SslProvider provider) {
        this.name = name;
        this.config = config;
        this.provider = provider;
    }

    /** The provider {@link #start(String, TlsConfig)} uses: OpenSSL when netty-tcnative loads, else the JDK. */
    public static SslProvider defaultProvider() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /**
     * Loads the certificate now and starts watching the files.
     *
     * @param name the listener's name, for logs
     * @throws IllegalArgumentException when the files cannot be read or do not hold a matching chain and key; the
     *     message names the file and what is expected
     */
    public static ReloadingSslContext start(String name, TlsConfig config) {
        return start(name, config, defaultProvider());
    }

    /** As {@link #start(String, TlsConfig)} with a chosen provider (tests run both). */
    public static ReloadingSslContext start(String name, TlsConfig config, SslProvider provider) {
        logProviderOnce(provider);
        ReloadingSslContext context = new ReloadingSslContext(name, config, provider);
        synchronized (context.checkLock) {
            FileStamp stamp = FileStamp.of(config);
            Loaded loaded = context.load(FileContents.read(config));
            context.seenStamp = stamp;
            context.current.set(loaded);
        }
        log.info("listener {}: TLS certificate {} (valid until {}) from {}", name,
                context.certificate().getSubjectX500Principal().getName(), context.certificate().getNotAfter(),
                describe(config));
        context.warnIfExpiring();
        long interval = config.reloadCheckInterval().toMillis();
        if (interval > 0) {
            context.task = RELOADER.scheduleWithFixedDelay(context::checkQuietly, interval, interval,
                    TimeUnit.MILLISECONDS);
        }
        return context;
    }

    /** A new SslHandler for one accepted connection, from the current certificate. Cheap; event-loop safe. */
    public SslHandler newHandler(ByteBufAllocator allocator) {
        return current.get().context.newHandler(allocator);
    }

    /** The context new connections get. */
    public SslContext current() {
        return current.get().context;
    }

    /** The server certificate new connections get. */
    public X509Certificate certificate() {
        return current.get().material.leaf();
    }

    public SslProvider provider() {
        return provider;
    }

    /**
     * Checks the files now and swaps in a new context when they changed and parse. Blocking file I/O: call it from
     * a thread that may block (a SIGHUP handler, an admin endpoint's executor), never from an event loop.
     *
     * @return true when a new certificate was swapped in
     * @throws IllegalArgumentException when the files changed but are not usable; the previous certificate stays
     */
    public boolean checkNow() {
        synchronized (checkLock) {
            FileStamp stamp = FileStamp.of(config);
            if (stamp.equals(seenStamp)) {
                return false;
            }
            seenStamp = stamp; // a bad file is reported once, not at every check
            FileContents contents = FileContents.read(config);
            if (Arrays.equals(contents.digest(), current.get().digest)) {
                return false;
            }
            Loaded loaded = load(contents);
            current.set(loaded);
            log.info("listener {}: reloaded TLS certificate {} (valid until {}) from {}", name,
                    loaded.material.leaf().getSubjectX500Principal().getName(), loaded.material.leaf().getNotAfter(),
                    describe(config));
            warnIfExpiring();
            return true;
        }
    }

    private void checkQuietly() {
        try {
            checkNow();
        } catch (RuntimeException e) {
            log.warn("listener {}: TLS files changed but cannot be used, still serving {}: {}", name,
                    certificate().getSubjectX500Principal().getName(), e.getMessage());
        }
    }

    private void warnIfExpiring() {
        String warning = expiryWarning(certificate(), Instant.now());
        if (warning != null) {
            log.warn("listener {}: {} ({})", name, warning, describe(config));
        }
    }

    /**
     * What to tell the operator about a certificate's dates, or null when it is fine: not yet valid, expired, or
     * expiring within {@link #EXPIRY_WARNING} (certbot renews 30 days ahead, so this means renewal is failing).
     */
    static String expiryWarning(X509Certificate certificate, Instant now) {
        Instant notAfter = certificate.getNotAfter().toInstant();
        Instant notBefore = certificate.getNotBefore().toInstant();
        String subject = certificate.getSubjectX500Principal().getName();
        if (now.isBefore(notBefore)) {
            return "TLS certificate " + subject + " is not valid before " + notBefore + "; clients will refuse it";
        }
        if (!now.isBefore(notAfter)) {
            return "TLS certificate " + subject + " expired at " + notAfter + "; clients will refuse it";
        }
        Duration left = Duration.between(now, notAfter);
        if (left.compareTo(EXPIRY_WARNING) < 0) {
            return "TLS certificate " + subject + " expires in " + left.toDays() + " days, at " + notAfter
                    + "; is its renewal failing?";
        }
        return null;
    }

    /** Stops watching the files; handlers already made keep working. */
    @Override
    public void close() {
        ScheduledFuture<?> scheduled = task;
        if (scheduled != null) {
            scheduled.cancel(false);
        }
    }

    private Loaded load(FileContents contents) {
        PemMaterial material = PemMaterial.parse(contents.cert(), contents.key(),
                config.certChain().toString(), config.key().toString());
        try {
            SslContext context = SslContextBuilder.forServer(material.key(), material.chain())
                    .sslProvider(provider)
                    .protocols(config.protocols())
                    .ciphers(config.ciphers(), SupportedCipherSuiteFilter.INSTANCE)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(
                            ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_1_1))
                    .build();
            return new Loaded(context, material, contents.digest());
        } catch (SSLException | RuntimeException e) {
            throw new IllegalArgumentException(describe(config) + ": cannot build a TLS context with " + provider
                    + " (protocols " + config.protocols() + "): " + e.getMessage(), e);
        }
    }

    private static void logProviderOnce(SslProvider provider) {
        if (PROVIDER_LOGGED.compareAndSet(false, true)) {
            if (provider == SslProvider.OPENSSL) {
                log.info("TLS provider: OpenSSL ({})", OpenSsl.versionString());
            } else {
                Throwable why = OpenSsl.unavailabilityCause();
                log.info("TLS provider: JDK{}", why == null ? "" : " (OpenSSL not available: " + why + ")");
            }
        }
    }

    private static String describe(TlsConfig config) {
        return config.isBundle() ? config.certChain().toString()
                : config.certChain() + " and " + config.key();
    }

    private record Loaded(SslContext context, PemMaterial material, byte[] digest) {}

    /** File metadata, enough to notice a change with two stat() calls and no reading. */
    private record FileStamp(Object cert, Object key) {

        static FileStamp of(TlsConfig config) {
            Object cert = metadata(config.certChain());
            return new FileStamp(cert, config.isBundle() ? cert : metadata(config.key()));
        }

        private static Object metadata(Path path) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
                return Arrays.asList(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
            } catch (IOException e) {
                return e.getClass().getSimpleName();
            }
        }
    }

    /** The bytes of both files and their digest. */
    private record FileContents(byte[] cert, byte[] key, byte[] digest) {

        static FileContents read(TlsConfig config) {
            try {
                byte[] cert = Files.readAllBytes(config.certChain());
                byte[] key = config.isBundle() ? cert : Files.readAllBytes(config.key());
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                digest.update(cert);
                digest.update(key);
                return new FileContents(cert, key, digest.digest());
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException(e.getFile() + ": no such file (expected a PEM file readable by "
                        + "Tether; relative paths start from the working directory)");
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + describe(config) + ": " + e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
