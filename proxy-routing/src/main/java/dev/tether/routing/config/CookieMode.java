package dev.tether.routing.config;

/**
 * Who writes the persistence cookie, after HAProxy's {@code cookie NAME insert|rewrite|prefix}.
 *
 * <pre>
 *   mode     response                                   request
 *   insert   Tether adds Set-Cookie NAME=ID             NAME=ID routes; removed with indirect
 *   rewrite  the server's Set-Cookie NAME=X -> NAME=ID  NAME=ID routes; passed on unchanged
 *   prefix   the server's Set-Cookie NAME=X -> ID~X     NAME=ID~X routes; the server gets NAME=X
 * </pre>
 *
 * In rewrite and prefix mode Tether never adds a cookie of its own: the application decides when a session starts,
 * and the attributes of its {@code Set-Cookie} (Path, Expires, HttpOnly, ...) are kept as they are.
 */
public enum CookieMode {
    /** Tether sets the cookie itself (the default). */
    INSERT("insert"),
    /** The server sets the cookie and Tether replaces its value with the server id. */
    REWRITE("rewrite"),
    /** The server sets the cookie and Tether puts {@code ID~} in front of its value, removed again on requests. */
    PREFIX("prefix");

    private final String configName;

    CookieMode(String configName) {
        this.configName = configName;
    }

    /** The spelling used in configuration files. */
    public String configName() {
        return configName;
    }

    /** Parses the configuration spelling; {@code null} when unknown. */
    public static CookieMode fromConfigName(String name) {
        for (CookieMode m : values()) {
            if (m.configName.equals(name)) {
                return m;
            }
        }
        return null;
    }
}
