package dev.tether.health;

/**
 * Passive health: errors on live traffic counted against a server, after HAProxy's
 * {@code observe layer4|layer7 error-limit N on-error fail-check|mark-down}.
 *
 * <p>Needs active checks: only a passed probe brings a server that live traffic took down back up.
 *
 * @param enabled whether live traffic is observed at all
 * @param errorLimit consecutive errors that trigger {@code onError}, at least 1
 * @param count5xx whether a 5xx from the server counts as an error, not only connect failures
 * @param onError what the limit does to the server
 */
public record PassiveHealthConfig(boolean enabled, int errorLimit, boolean count5xx, OnError onError) {

    /** What reaching the error limit does. */
    public enum OnError {
        /** Counts as one failed check, so {@code fall} limits in a row take the server down (HAProxy's default). */
        FAIL_CHECK,
        /** Takes the server down at once; {@code rise} passed checks bring it back. */
        MARK_DOWN
    }

    public PassiveHealthConfig {
        if (errorLimit < 1) {
            throw new IllegalArgumentException("passive error-limit = " + errorLimit + " (expected >= 1)");
        }
        if (onError == null) {
            throw new IllegalArgumentException("passive on-error must be set (fail-check or mark-down)");
        }
    }

    /** Connect failures only, 10 in a row count as one failed check; 5xx not counted. */
    public static PassiveHealthConfig defaults() {
        return new PassiveHealthConfig(true, 10, false, OnError.FAIL_CHECK);
    }

    public static PassiveHealthConfig disabled() {
        return new PassiveHealthConfig(false, 10, false, OnError.FAIL_CHECK);
    }

    /** Whether this outcome counts as an error under this configuration. */
    public boolean isError(TrafficOutcome outcome) {
        return outcome == TrafficOutcome.CONNECT_FAILURE || (count5xx && outcome == TrafficOutcome.STATUS_5XX);
    }
}
