package dev.tether.health;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts consecutive errors that live traffic saw on one server. Safe for any thread: every event loop
 * reports the exchanges it finished.
 *
 * <p>The count is of consecutive errors across all event loops together; an {@code OK} resets it (so does a
 * 5xx when 5xx are not counted), {@code OTHER_FAILURE} leaves it as it is.
 * When it reaches the limit, {@link #record} returns {@code true} once and the count starts again, so a
 * server that keeps failing triggers once every {@code errorLimit} errors.
 */
public final class PassiveHealth {

    private final PassiveHealthConfig config;
    private final AtomicInteger errors = new AtomicInteger();

    public PassiveHealth(PassiveHealthConfig config) {
        this.config = config;
    }

    /** Counts one outcome; returns {@code true} when it completes a run of {@code errorLimit} errors. */
    public boolean record(TrafficOutcome outcome) {
        if (!config.enabled()) {
            return false;
        }
        if (outcome == TrafficOutcome.OTHER_FAILURE) {
            return false; // neither an error we count nor a success
        }
        if (!config.isError(outcome)) {
            if (errors.get() != 0) {
                errors.set(0);
            }
            return false;
        }
        int limit = config.errorLimit();
        while (true) {
            int n = errors.get();
            int next = n + 1 >= limit ? 0 : n + 1;
            if (errors.compareAndSet(n, next)) {
                return next == 0;
            }
        }
    }

    /** Consecutive errors counted since the last trigger or success. */
    public int errors() {
        return errors.get();
    }

    public PassiveHealthConfig config() {
        return config;
    }
}
