package dev.tether.health;

/** What one probe result did to a server's health, as returned by {@link RiseFall#record}. */
public enum HealthTransition {
    /** The server is where it was and the counter is at rest (fully up or fully down). */
    UNCHANGED,
    /** The server crossed from up to down or from down to up. */
    CHANGED,
    /** The counter moved part-way towards a change; the server is probed at the fast interval. */
    CHANGE_PENDING
}
