package dev.tether.routing.config;

import java.time.Duration;
import java.util.Locale;

/**
 * A backend's stick table, after HAProxy's {@code stick-table type ip size 100k expire 30m} with {@code stick on src}
 * (or {@code stick on hdr(X)}): clients without a usable sticky cookie are kept on one server by a request key.
 *
 * <p>The first request with a key is balanced and the key remembered with its server; later requests with the same
 * key go to that server while it is usable. An entry idle for {@code expire} is forgotten, and the table holds at
 * most {@code size} keys (the least recently used go first).
 *
 * @param on what the key is read from: {@code source} (client address), {@code header:NAME} or {@code cookie:NAME}
 *     (a cookie other than the backend's sticky cookie)
 * @param size keys held at most, 1..100 000 000
 * @param expire a key unused this long is forgotten; positive
 * @param onUnavailable when the key's server is not usable: {@code FALLBACK} (the default: balance and remember the
 *     new server) or {@code REFUSE} (503, the key never moves while its entry lives)
 */
public record StickTableConfig(String on, long size, Duration expire, UnavailablePolicy onUnavailable) {

    public static final long MAX_SIZE = 100_000_000L;

    /** What the key is read from. */
    public enum Source {
        SOURCE,
        HEADER,
        COOKIE
    }

    public StickTableConfig {
        ServerConfig.requireText(on, "stick-table.on");
        source(on);
        if (size < 1 || size > MAX_SIZE) {
            throw new IllegalArgumentException("stick-table.size = " + size + " (expected 1.." + MAX_SIZE + ")");
        }
        if (expire == null || expire.isNegative() || expire.isZero()) {
            throw new IllegalArgumentException("stick-table.expire = " + expire + " (expected a positive duration)");
        }
        onUnavailable = onUnavailable == null ? UnavailablePolicy.FALLBACK : onUnavailable;
    }

    /** A table keyed by {@code on} with 100 000 keys, 30 minutes idle expiry and fallback. */
    public static StickTableConfig of(String on) {
        return new StickTableConfig(on, 100_000, Duration.ofMinutes(30), UnavailablePolicy.FALLBACK);
    }

    public Source source() {
        return source(on);
    }

    /** The header or cookie name, or {@code null} for {@code source}. */
    public String name() {
        int colon = on.indexOf(':');
        return colon < 0 ? null : on.substring(colon + 1).trim();
    }

    private static Source source(String on) {
        String k = on.trim().toLowerCase(Locale.ROOT);
        if (k.equals("source")) {
            return Source.SOURCE;
        }
        int colon = k.indexOf(':');
        if (colon > 0 && !k.substring(colon + 1).isBlank()) {
            String kind = k.substring(0, colon).trim();
            if (kind.equals("header")) {
                return Source.HEADER;
            }
            if (kind.equals("cookie")) {
                return Source.COOKIE;
            }
        }
        throw new IllegalArgumentException("stick-table.on = " + on + " (expected source, header:NAME or cookie:NAME)");
    }
}
