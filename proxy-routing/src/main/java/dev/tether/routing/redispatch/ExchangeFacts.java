package dev.tether.routing.redispatch;

import java.util.Locale;

/**
 * What the exchange knows when an attempt fails; everything {@link RedispatchPolicy} needs besides the failure.
 *
 * @param idempotent the request method is idempotent (RFC 9110: GET, HEAD, OPTIONS, TRACE, PUT, DELETE)
 * @param requestBytesWritten some byte of this attempt's request was written to the server's connection
 * @param bodyReplayable the request can be sent again whole: it has no body, or the proxy still holds all of it
 * @param responseStarted some byte of a response was already sent to the client
 */
public record ExchangeFacts(
        boolean idempotent, boolean requestBytesWritten, boolean bodyReplayable, boolean responseStarted) {

    /** Facts for a request with this method, as they stand before anything was sent. */
    public static ExchangeFacts beforeSending(String method, boolean bodyReplayable) {
        return new ExchangeFacts(isIdempotent(method), false, bodyReplayable, false);
    }

    /** Whether RFC 9110 defines the method as idempotent. Unknown methods are not. */
    public static boolean isIdempotent(String method) {
        switch (method.toUpperCase(Locale.ROOT)) {
            case "GET":
            case "HEAD":
            case "OPTIONS":
            case "TRACE":
            case "PUT":
            case "DELETE":
                return true;
            default:
                return false;
        }
    }

    public ExchangeFacts withRequestBytesWritten() {
        return new ExchangeFacts(idempotent, true, bodyReplayable, responseStarted);
    }

    public ExchangeFacts withResponseStarted() {
        return new ExchangeFacts(idempotent, requestBytesWritten, bodyReplayable, true);
    }
}
