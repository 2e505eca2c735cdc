package dev.tether.routing;

/** What the request's sticky cookie said, like the cookie flags in HAProxy's log. */
public enum CookieStatus {
    /** The backend uses no cookie, or the request carried none. */
    NONE,
    /** Named a usable server and was followed. */
    VALID,
    /** Could not be parsed, or failed its signature. */
    INVALID,
    /** Older than max-idle or max-life. */
    EXPIRED,
    /** Named a server that is down or in maintenance. */
    SERVER_DOWN,
    /** Named no server of the backend. */
    SERVER_UNKNOWN,
    /**
     * Named a server in {@code DRAIN} and was last seen longer ago than the backend's {@code drain-idle-timeout}: the
     * session moves to another server with a new cookie.
     */
    DRAIN_IDLE
}
