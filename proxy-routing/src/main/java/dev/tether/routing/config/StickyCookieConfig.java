package dev.tether.routing.config;

import java.time.Duration;

/**
 * Cookie persistence for one backend, after HAProxy's {@code cookie NAME insert indirect nocache maxidle T}.
 *
 * <p>In insert mode (the default) the proxy sets the cookie itself; in rewrite and prefix mode the server sets it and
 * the proxy rewrites its value (see {@link CookieMode}). The value names the server by a short id derived from the
 * server's configured name (never from process state), so every Tether instance with the same configuration reads
 * every cookie the same way.
 *
 * <p>Rewrite and prefix mode keep the server's {@code Set-Cookie} as the server wrote it apart from the value, and
 * set nothing themselves, so {@code indirect}, {@code httpOnly}, {@code secure}, {@code domain}, {@code maxIdle}
 * and {@code maxLife} apply to insert mode only; setting one with another mode is an error (as in HAProxy, where
 * maxidle and maxlife work with inserted cookies only). {@code nocache} and {@code key} apply to every mode.
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
 * @param mode who writes the cookie; {@code null} means {@link CookieMode#INSERT}
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
        String key,
        CookieMode mode) {

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
        mode = mode == null ? CookieMode.INSERT : mode;
        if (mode != CookieMode.INSERT) {
            String option = indirect ? "indirect" : httpOnly ? "httponly" : secure ? "secure" : domain != null
                    ? "domain" : !maxIdle.isZero() ? "max-idle" : !maxLife.isZero() ? "max-life" : null;
            if (option != null) {
                throw new IllegalArgumentException("cookie " + name + ": " + option + " applies to insert mode only;"
                        + " in " + mode.configName() + " mode the server writes the cookie and its attributes");
            }
        }
    }

    /** The nine-argument shape: an insert-mode cookie. */
    public StickyCookieConfig(
            String name,
            boolean indirect,
            boolean nocache,
            boolean httpOnly,
            boolean secure,
            String domain,
            Duration maxIdle,
            Duration maxLife,
            String key) {
        this(name, indirect, nocache, httpOnly, secure, domain, maxIdle, maxLife, key, CookieMode.INSERT);
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

    /** A cookie the server sets, whose value Tether replaces with the server id. */
    public static StickyCookieConfig rewrite(String name) {
        return new StickyCookieConfig(name, false, false, false, false, null, Duration.ZERO, Duration.ZERO, null,
                CookieMode.REWRITE);
    }

    /** A cookie the server sets (such as {@code JSESSIONID}), whose value Tether prefixes with {@code ID~}. */
    public static StickyCookieConfig prefix(String name) {
        return new StickyCookieConfig(name, false, false, false, false, null, Duration.ZERO, Duration.ZERO, null,
                CookieMode.PREFIX);
    }

    /** The same settings with another signing key ({@code null} for none). */
    public StickyCookieConfig withKey(String newKey) {
        return new StickyCookieConfig(name, indirect, nocache, httpOnly, secure, domain, maxIdle, maxLife, newKey,
                mode);
    }

    /** Whether the cookie carries first-seen and last-seen dates. */
    public boolean dated() {
        return !maxIdle.isZero() || !maxLife.isZero();
    }

    /** Hides the key from logs and error messages. */
    @Override
    public String toString() {
        return "StickyCookieConfig[name=" + name + ", mode=" + mode.configName() + ", indirect=" + indirect + ", nocache=" + nocache + ", httpOnly="
                + httpOnly + ", secure=" + secure + ", domain=" + domain + ", maxIdle=" + maxIdle + ", maxLife="
                + maxLife + ", key=" + (key == null ? "none" : "***") + "]";
    }
}
