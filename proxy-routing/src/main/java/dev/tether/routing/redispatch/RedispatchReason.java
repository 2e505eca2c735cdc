package dev.tether.routing.redispatch;

/** Why {@link RedispatchPolicy} decided what it did; logged with the exchange's attempts. */
public enum RedispatchReason {
    /** Retry: the failure proves no byte of the request reached a server, so sending it again is safe. */
    NEVER_REACHED_SERVER,
    /** Retry: the request reached a server, but it is idempotent, replayable, and retry-on covers the failure. */
    RETRY_ON_ALLOWED,
    /** Retry on the same server: a redispatch found no other usable server. */
    NO_OTHER_SERVER,
    /** Give up: part of a response already went to the client. */
    RESPONSE_STARTED,
    /** Give up: retry-on does not cover this failure (a 500, or retry-on none). */
    NOT_COVERED_BY_RETRY_ON,
    /** Give up: the request reached a server and its method is not idempotent (a POST is sent at most once). */
    NOT_IDEMPOTENT,
    /** Give up: the request body was streamed and cannot be sent again. */
    BODY_NOT_REPLAYABLE,
    /** Give up: every allowed retry was used. */
    RETRIES_EXHAUSTED,
    /** Give up: no server is usable, not even the one that failed. */
    NO_SERVER_LEFT
}
