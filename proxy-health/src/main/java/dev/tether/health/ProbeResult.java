package dev.tether.health;

import java.time.Duration;

/**
 * The outcome of one health probe.
 *
 * @param passed whether the probe counts as a success
 * @param failure why it failed, {@code null} when it passed
 * @param status the HTTP status received, or 0 when no response head arrived
 * @param duration time from the start of the probe to its outcome
 * @param detail extra words for the log (an exception message), or {@code null}
 */
public record ProbeResult(boolean passed, ProbeFailure failure, int status, Duration duration, String detail) {

    public ProbeResult {
        if (passed != (failure == null)) {
            throw new IllegalArgumentException("a probe result has a failure exactly when it did not pass");
        }
        if (duration == null || duration.isNegative()) {
            throw new IllegalArgumentException("duration must be zero or positive, was " + duration);
        }
    }

    public static ProbeResult pass(int status, Duration duration) {
        return new ProbeResult(true, null, status, duration, null);
    }

    public static ProbeResult fail(ProbeFailure failure, int status, Duration duration) {
        return new ProbeResult(false, failure, status, duration, null);
    }

    public static ProbeResult fail(ProbeFailure failure, Duration duration, String detail) {
        return new ProbeResult(false, failure, 0, duration, detail);
    }

    /**
     * A few words for the state-change log line: {@code status 200 in 3 ms}, {@code connection refused},
     * {@code status 500}, {@code response timeout after 2000 ms}.
     */
    public String describe() {
        if (passed) {
            return "status " + status + " in " + duration.toMillis() + " ms";
        }
        String text;
        switch (failure) {
            case BAD_STATUS:
                text = "status " + status;
                break;
            case CONNECT_TIMEOUT:
            case RESPONSE_TIMEOUT:
                text = failure.text() + " after " + duration.toMillis() + " ms";
                break;
            default:
                text = failure.text();
                break;
        }
        return detail == null ? text : text + ": " + detail;
    }
}
