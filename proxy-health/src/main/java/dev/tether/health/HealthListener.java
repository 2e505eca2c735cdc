package dev.tether.health;

/**
 * Receives every health change of the servers a {@link HealthChecker} watches.
 *
 * <p>Changes carry health only ({@code UP} or {@code DOWN}). Administrative states are the listener's
 * business: a server the operator put in {@code DRAIN} that goes down and comes back should return to
 * {@code DRAIN}, not to {@code UP}, and a server in {@code MAINT} stays there whatever its health; keep an
 * {@link AdminState} per server and publish {@code admin.effective(change.to() == UP)}.
 *
 * <p>Called on the thread that completed the probe (an event loop in production); must not block.
 */
@FunctionalInterface
public interface HealthListener {
    void onChange(ServerStateChange change);
}
