package dev.tether.routing;

/** Why a request went where it went; logged with every exchange and counted in metrics. */
public enum Reason {
    /** The sticky cookie named a usable server. */
    STICKY_COOKIE,
    /** A path, host or header rule pinned the request to one server ({@code use-server}). */
    PATH_RULE,
    /** A shard map on the base UUID chose the server. */
    UUID_PREFIX_MAP,
    /** A consistent hash of a request key chose the server. */
    HASH,
    /** The backend's stick table remembered the server for this request's key (source address, header, cookie). */
    STICK_TABLE,
    /** The backend's balancer chose the server. */
    BALANCED,
    /** An earlier attempt failed or the pinned server was unusable, and another server was chosen. */
    REDISPATCHED,
    /** No usable server. */
    NO_SERVER_UP,
    /** No rule matched and there is no default backend. */
    NO_ROUTE,
    /** A pinning rule with policy {@code refuse} found its server unusable. */
    PINNED_SERVER_UNAVAILABLE
}
