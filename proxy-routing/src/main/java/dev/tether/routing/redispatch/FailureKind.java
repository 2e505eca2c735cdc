package dev.tether.routing.redispatch;

/**
 * How an attempt to forward a request to a server failed, in the order the phases happen. Core maps Netty and
 * JDK exceptions to these ({@code NettyFailures}); everything else about retrying is decided here.
 */
public enum FailureKind {
    /** The server refused the connection. Nothing was sent. */
    CONNECT_REFUSED(true),
    /** No connection within the connect timeout. Nothing was sent. */
    CONNECT_TIMEOUT(true),
    /** The connection (often a pooled keep-alive one) closed or reset before any request byte was written. */
    RESET_BEFORE_REQUEST_SENT(true),
    /** The connection reset after request bytes were written, before any response byte arrived. */
    RESET_AFTER_REQUEST_SENT(false),
    /** The server closed the connection cleanly after the request without sending a response byte. */
    EMPTY_RESPONSE(false),
    /** No response head within the response timeout after the request was sent. */
    RESPONSE_TIMEOUT(false),
    /** The server answered 5xx (502, 503 or 504 are retryable); the head has not been passed to the client yet. */
    BAD_GATEWAY_STATUS(false);

    private final boolean beforeRequestSent;

    FailureKind(boolean beforeRequestSent) {
        this.beforeRequestSent = beforeRequestSent;
    }

    /**
     * The kind for a server connection that ended before any response byte arrived: reset or closed before
     * the first request byte was written, reset after it, or closed cleanly after it (an empty response).
     */
    public static FailureKind closedBeforeResponse(boolean requestBytesWritten, boolean reset) {
        if (!requestBytesWritten) {
            return RESET_BEFORE_REQUEST_SENT;
        }
        return reset ? RESET_AFTER_REQUEST_SENT : EMPTY_RESPONSE;
    }

    /** Whether this failure proves that no byte of the request reached the server. */
    public boolean beforeRequestSent() {
        return beforeRequestSent;
    }
}
