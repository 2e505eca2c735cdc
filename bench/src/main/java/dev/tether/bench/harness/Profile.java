package dev.tether.bench.harness;

import java.util.Locale;

/**
 * The proxy configuration a scenario needs. Proxies are started once per profile and every scenario of that
 * profile runs against the same processes, so a JVM is warm for all of them.
 */
public enum Profile {
    /** Round robin over two servers, active health checks, retries, redispatch, backend keep-alive. */
    PLAIN,
    /** {@link #PLAIN} plus sticky cookie insert ({@code SRV}); nginx hashes on the cookie instead. */
    STICKY,
    /** Requests routed by a UUID in the path through a map of 1 000 rules. Pending the rule syntax. */
    UUID_MAP,
    /**
     * {@link #PLAIN} in front of in-process {@code BackendFarm} backends instead of nginx, because they echo
     * websockets.
     */
    WEBSOCKET;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Profile parse(String label) {
        for (Profile p : values()) {
            if (p.label().equals(label.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown profile '" + label + "' (expected plain, sticky, uuid-map, websocket)");
    }
}
