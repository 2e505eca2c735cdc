package dev.tether.routing.config;

import java.util.Locale;

/**
 * Pins requests by a consistent hash of a request key over the route's backend: the same key always reaches the
 * same server, and adding or removing a server moves only about 1/N of the keys.
 *
 * @param key {@code uuid} (the first UUID in the path), {@code source} (client address), {@code header:NAME} or
 *     {@code cookie:NAME}
 * @param onUnavailable when the key's server is not usable: {@code FALLBACK} (the default: the next server on the
 *     ring, so one key still lands on one server) or {@code REFUSE} (503)
 */
public record HashConfig(String key, UnavailablePolicy onUnavailable) {

    /** What the key is read from. */
    public enum Source {
        UUID,
        SOURCE,
        HEADER,
        COOKIE
    }

    public HashConfig {
        ServerConfig.requireText(key, "hash.key");
        onUnavailable = onUnavailable == null ? UnavailablePolicy.FALLBACK : onUnavailable;
        source(key);
    }

    public static HashConfig of(String key) {
        return new HashConfig(key, UnavailablePolicy.FALLBACK);
    }

    public Source source() {
        return source(key);
    }

    /** The header or cookie name, or {@code null} for {@code uuid} and {@code source}. */
    public String name() {
        int colon = key.indexOf(':');
        return colon < 0 ? null : key.substring(colon + 1).trim();
    }

    private static Source source(String key) {
        String k = key.trim().toLowerCase(Locale.ROOT);
        if (k.equals("uuid")) {
            return Source.UUID;
        }
        if (k.equals("source")) {
            return Source.SOURCE;
        }
        int colon = k.indexOf(':');
        if (colon > 0 && colon < k.length() - 1) {
            String kind = k.substring(0, colon);
            if (kind.equals("header")) {
                return Source.HEADER;
            }
            if (kind.equals("cookie")) {
                return Source.COOKIE;
            }
        }
        throw new IllegalArgumentException("hash.key = " + key
                + " (expected uuid, source, header:NAME or cookie:NAME)");
    }
}
