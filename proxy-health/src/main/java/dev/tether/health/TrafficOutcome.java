package dev.tether.health;

import dev.tether.routing.redispatch.FailureKind;

/** What live traffic saw of a server, as reported to {@link HealthChecker#observe}. */
public enum TrafficOutcome {
    /** A response that counts as healthy (any status but 5xx, or 5xx when they are not counted). */
    OK,
    /** Connect refused, connect timeout, or reset before the request was written. */
    CONNECT_FAILURE,
    /** A 5xx status from the server itself (not one the proxy made up). */
    STATUS_5XX,
    /** Any other failure (response timeout, reset after the request): not counted, and no proof of health either. */
    OTHER_FAILURE;

    /** The outcome of an exchange that got a response head with this status from the server. */
    public static TrafficOutcome ofStatus(int status) {
        return status >= 500 && status <= 599 ? STATUS_5XX : OK;
    }

    /** The outcome of an attempt that failed this way. */
    public static TrafficOutcome of(FailureKind failure) {
        switch (failure) {
            case CONNECT_REFUSED:
            case CONNECT_TIMEOUT:
            case RESET_BEFORE_REQUEST_SENT:
                return CONNECT_FAILURE;
            case BAD_GATEWAY_STATUS:
                return STATUS_5XX;
            default:
                return OTHER_FAILURE;
        }
    }
}
