package dev.tether.routing.config;

import java.time.Duration;

/**
 * Cookie persistence for one backend, after HAProxy's {@code cookie NAME insert indirect nocache maxidle T}.
 *
 * <p>Only insert mode exists: the proxy sets the cookie itself. Its value names the server by a short id derived
 * from the server's configured name (never from process state), so every Tether instance with the same
 * configuration reads every cookie the same way.
 *
 * @param name cookie name, for example {@code server-pro-ha}
 * @param indirect strip the cookie from requests before they reach the server
 * @param nocache add {@code Cache-Control: private} to responses that set the cookie
 * @param httpOnly add the {@code HttpOnly} attribute
 * @param secure add the {@code Secure} attribute
 * @param domain {@code Domain} attribute, or {@code null}
 * @param maxIdle a cookie not seen for longer is ignored and replaced; {@code Duration.ZERO} for no limit
 * @param maxLife a cookie first set longer ago is ignored and replaced; {@code Duration.ZERO} for no limit
 * @param key secret that signs the cookie and hides server names, or {@code null} for unsigned cookies; a cookie
 *     whose signature does not verify is treated as absent. Every instance behind one address needs the same key.
 */
public record StickyCookieConfig(
        String name,
        boolean indirect,
        boolean nocache,
        boolean httpOnly,
        boolean secure,
        String domain,
        Duration maxIdle,
        Duration maxLife,
        String key) {

    public StickyCookieConfig {
        ServerConfig.requireText(name, "cookie name");
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 0x20 || c >= 0x7f || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                throw new IllegalArgumentException(
                        "cookie name = " + name + ": character '" + c + "' is not allowed in a cookie name");
            }
        }
        maxIdle = maxIdle == null ? Duration.ZERO : maxIdle;
        maxLife = maxLife == null ? Duration.ZERO : maxLife;
        if (maxIdle.isNegative() || maxLife.isNegative()) {
            throw new IllegalArgumentException("cookie " + name + ": max-idle and max-life must not be negative");
        }
        if (key != null && key.length() < 16) {
            throw new IllegalArgumentException(
                    "cookie " + name + ": key has " + key.length() + " characters (expected at least 16)");
        }
    }

    /** The original eight-argument shape: an unsigned cookie. */
    public StickyCookieConfig(
            String name,
            boolean indirect,
            boolean nocache,
            boolean httpOnly,
            boolean secure,
            String domain,
            Duration maxIdle,
            Duration maxLife) {
        this(name, indirect, nocache, httpOnly, secure, domain, maxIdle, maxLife, null);
    }

    /** An insert-mode cookie with HttpOnly and no expiry. */
    public static StickyCookieConfig insert(String name) {
        return new StickyCookieConfig(name, false, false, true, false, null, Duration.ZERO, Duration.ZERO, null);
    }

    /** Whether the cookie carries first-seen and last-seen dates. */
    public boolean dated() {
        return !maxIdle.isZero() || !maxLife.isZero();
    }

    /** Hides the key from logs and error messages. */
    @Override
    public String toString() {
        return "StickyCookieConfig[name=" + name + ", indirect=" + indirect + ", nocache=" + nocache + ", httpOnly="
                + httpOnly + ", secure=" + secure + ", domain=" + domain + ", maxIdle=" + maxIdle + ", maxLife="
                + maxLife + ", key=" + (key == null ? "none" : "***") + "]";
    }
}
