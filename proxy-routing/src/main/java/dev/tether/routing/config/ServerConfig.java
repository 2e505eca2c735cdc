package dev.tether.routing.config;

/**
 * One server of a backend as configured.
 *
 * @param name stable name, unique within its backend; the sticky cookie is derived from it, never from process state
 * @param host host name or literal address
 * @param port TCP port, 1..65535
 * @param weight relative share of new sessions, 0..256; 0 takes no new sessions but keeps sticky ones
 * @param backup takes traffic only while no primary server of the backend is usable
 * @param maxConn concurrent requests allowed on this server, 0 for no limit; excess requests queue
 * @param cookie the sticky cookie value naming this server (HAProxy's {@code cookie} server keyword, so sessions
 *     survive a move from HAProxy), or {@code null} to derive an id from the name; letters, digits, {@code -} and
 *     {@code _}, at most 32
 */
public record ServerConfig(
        String name, String host, int port, int weight, boolean backup, int maxConn, String cookie) {

    public ServerConfig {
        requireText(name, "name");
        requireText(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("server " + name + ": port = " + port + " (expected 1..65535)");
        }
        if (weight < 0 || weight > 256) {
            throw new IllegalArgumentException("server " + name + ": weight = " + weight + " (expected 0..256)");
        }
        if (maxConn < 0) {
            throw new IllegalArgumentException("server " + name + ": max-conn = " + maxConn + " (expected >= 0)");
        }
        if (cookie != null && !cookie.matches("[A-Za-z0-9_-]{1,32}")) {
            throw new IllegalArgumentException("server " + name + ": cookie = " + cookie
                    + " (expected 1 to 32 letters, digits, '-' or '_')");
        }
    }

    /** The original six-argument shape: the cookie id is derived from the name. */
    public ServerConfig(String name, String host, int port, int weight, boolean backup, int maxConn) {
        this(name, host, port, weight, backup, maxConn, null);
    }

    /** A primary server with weight 1 and no connection limit. */
    public static ServerConfig of(String name, String host, int port) {
        return new ServerConfig(name, host, port, 1, false, 0);
    }

    static void requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
    }
}
