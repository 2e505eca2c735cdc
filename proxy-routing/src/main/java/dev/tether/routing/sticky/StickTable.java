package dev.tether.routing.sticky;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.tether.routing.RequestView;
import dev.tether.routing.config.StickTableConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * One backend's stick table: which server each recently seen request key (client address, header or cookie value)
 * was sent to, after HAProxy's {@code stick-table} with {@code stick on src}.
 *
 * <p>A Caffeine cache bounded by {@link StickTableConfig#size()} (least recently used keys go first) with
 * expire-after-access {@link StickTableConfig#expire()}: each hit restarts the key's idle time. Entries hold the
 * server's configured name, not an index, so they stay meaningful when a reload reorders servers; an entry naming a
 * server the backend no longer has is treated as absent. A lookup allocates nothing; storing a key allocates its
 * cache node.
 *
 * <p>Keys longer than {@value #MAX_KEY_CHARS} characters (a long token in a header) are stored as their SHA-256, so
 * the table's memory is bounded by its size whatever clients send. The table lives in this process only: several
 * Tether instances each keep their own (a sticky cookie, or a consistent {@code hash} route, is shared by design).
 */
public final class StickTable {

    static final int MAX_KEY_CHARS = 64;

    private final StickTableConfig config;
    private final Cache<String, String> entries;

    public StickTable(StickTableConfig config, Ticker ticker) {
        this.config = config;
        this.entries = Caffeine.newBuilder()
                .maximumSize(config.size())
                .expireAfterAccess(config.expire())
                .ticker(ticker)
                .build();
    }

    public StickTable(StickTableConfig config) {
        this(config, Ticker.systemTicker());
    }

    public StickTableConfig config() {
        return config;
    }

    /** The key this request is stuck by, or {@code null} when it carries none (no address, header or cookie). */
    public String key(RequestView request) {
        String value = switch (config.source()) {
            case SOURCE -> request.clientAddress();
            case HEADER -> request.header(config.name());
            case COOKIE -> request.cookie(config.name());
        };
        if (value == null || value.isEmpty()) {
            return null;
        }
        return value.length() <= MAX_KEY_CHARS ? value : digest(value);
    }

    /** The server name stored for {@code key}, or {@code null}; a hit restarts the key's idle time. */
    public String server(String key) {
        return entries.getIfPresent(key);
    }

    /** Remembers that {@code key} goes to {@code server}, replacing any earlier server. */
    public void stick(String key, String server) {
        entries.put(key, server);
    }

    /** Keys currently held (approximate: expired keys not yet cleaned up may count). */
    public long size() {
        return entries.estimatedSize();
    }

    /** Drops expired and excess keys now instead of during later lookups; for tests and stats. */
    public void cleanUp() {
        entries.cleanUp();
    }

    /** A fixed-length stand-in for a long key; NUL never appears in a header value, so it cannot equal a real key. */
    private static String digest(String value) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return "\0" + Base64.getEncoder().withoutPadding().encodeToString(sha);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
