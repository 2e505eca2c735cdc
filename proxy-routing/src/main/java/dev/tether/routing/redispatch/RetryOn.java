package dev.tether.routing.redispatch;

import java.util.EnumSet;
import java.util.Set;

/**
 * Conditions under which a failed attempt may be retried, after HAProxy's {@code retry-on}. Except for
 * {@link #CONNECT_FAILURE}, each applies only to idempotent requests whose body can be sent again
 * (see {@link RedispatchPolicy}).
 */
public enum RetryOn {
    /** Connect refused, connect timeout, or a connection that closed before any request byte was written. */
    CONNECT_FAILURE("connect-failure"),
    /** The server reset or closed the connection after the request, without a response byte. */
    EMPTY_RESPONSE("empty-response"),
    /** No response head within the response timeout. */
    RESPONSE_TIMEOUT("response-timeout"),
    /** The server answered 502. */
    STATUS_502("502"),
    /** The server answered 503. */
    STATUS_503("503"),
    /** The server answered 504. */
    STATUS_504("504");

    /** The safe default: retry only what provably never reached a server. */
    public static final Set<RetryOn> DEFAULT = Set.copyOf(EnumSet.of(CONNECT_FAILURE));

    private final String configName;

    RetryOn(String configName) {
        this.configName = configName;
    }

    /** The spelling in configuration files: {@code connect-failure}, {@code empty-response}, {@code 503}... */
    public String configName() {
        return configName;
    }

    /**
     * Parses the configuration spelling, also HAProxy's {@code conn-failure} for {@link #CONNECT_FAILURE};
     * {@code null} when unknown.
     */
    public static RetryOn fromConfigName(String name) {
        if ("conn-failure".equals(name)) {
            return CONNECT_FAILURE;
        }
        for (RetryOn r : values()) {
            if (r.configName.equals(name)) {
                return r;
            }
        }
        return null;
    }

    /** The condition that covers this failure, or {@code null} when none does (a 500, say). */
    public static RetryOn covering(FailureKind kind, int status) {
        switch (kind) {
            case CONNECT_REFUSED:
            case CONNECT_TIMEOUT:
            case RESET_BEFORE_REQUEST_SENT:
                return CONNECT_FAILURE;
            case RESET_AFTER_REQUEST_SENT:
            case EMPTY_RESPONSE:
                return EMPTY_RESPONSE;
            case RESPONSE_TIMEOUT:
                return RESPONSE_TIMEOUT;
            case BAD_GATEWAY_STATUS:
                return status == 502 ? STATUS_502 : status == 503 ? STATUS_503 : status == 504 ? STATUS_504 : null;
            default:
                throw new IllegalArgumentException("unknown failure kind " + kind);
        }
    }
}
