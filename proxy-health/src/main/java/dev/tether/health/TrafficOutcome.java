package dev.tether.health;

/** What live traffic saw of a server, as reported to {@link HealthChecker#observe}. */
public enum TrafficOutcome {
    /** A response that counts as healthy (any status but 5xx, or 5xx when they are not counted). */
    OK,
    /** Connect refused, connect timeout, or reset before the request was written. */
    CONNECT_FAILURE,
    /** A 5xx status from the server itself (not one the proxy made up). */
    STATUS_5XX
}
