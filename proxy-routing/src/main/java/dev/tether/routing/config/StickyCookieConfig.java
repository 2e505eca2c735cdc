package dev.tether.routing.config;

import java.time.Duration;

/**
 * Cookie persistence for one backend, after HAProxy's {@code cookie NAME insert indirect nocache maxidle T}.
 *
 * @param name cookie name, for example {@code server-pro-ha}
 * @param indirect strip the cookie from requests before they reach the server
 * @param nocache add {@code Cache-Control: private} to responses that set the cookie
 * @param httpOnly add the {@code HttpOnly} attribute
 * @param secure add the {@code Secure} attribute
 * @param domain {@code Domain} attribute, or {@code null}
 * @param maxIdle a cookie not seen for longer is ignored and replaced; {@code Duration.ZERO} for no limit
 * @param maxLife a cookie first set longer ago is ignored and replaced; {@code Duration.ZERO} for no limit
 */
public record StickyCookieConfig(
        String name,
        boolean indirect,
        boolean nocache,
        boolean httpOnly,
        boolean secure,
        String domain,
        Duration maxIdle,
        Duration maxLife) {

    public StickyCookieConfig {
        ServerConfig.requireText(name, "cookie name");
        maxIdle = maxIdle == null ? Duration.ZERO : maxIdle;
        maxLife = maxLife == null ? Duration.ZERO : maxLife;
        if (maxIdle.isNegative() || maxLife.isNegative()) {
            throw new IllegalArgumentException("cookie " + name + ": max-idle and max-life must not be negative");
        }
    }

    /** An insert-mode cookie with HttpOnly and no expiry. */
    public static StickyCookieConfig insert(String name) {
        return new StickyCookieConfig(name, false, false, true, false, null, Duration.ZERO, Duration.ZERO);
    }
}
