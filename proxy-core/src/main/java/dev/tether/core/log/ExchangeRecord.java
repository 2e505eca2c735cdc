package dev.tether.core.log;

/**
 * Everything known about one finished exchange; the access log formats it and the metrics count it.
 *
 * <p>Timers are in nanoseconds and -1 when the phase did not happen (for example {@code connectNanos} for a
 * request answered by the proxy itself).
 *
 * @param listener listener name
 * @param clientAddress client ip (after trusted-proxy resolution)
 * @param clientPort client TCP port
 * @param startEpochMillis when the request head arrived (wall clock)
 * @param method request method
 * @param uri request target as received (path and query)
 * @param backend backend name, or {@code null} when none was chosen
 * @param server server name, or {@code null}
 * @param reason routing reason ({@code dev.tether.routing.Reason} name) or a proxy reason such as {@code BAD_REQUEST}
 * @param cookieStatus {@code dev.tether.routing.CookieStatus} name, {@code NONE} without cookies
 * @param cookieSet whether the response set the sticky cookie
 * @param attempts number of connection attempts (0 when answered locally)
 * @param status the status sent to the client, or -1 when none was sent
 * @param bytesIn request body bytes read from the client
 * @param bytesOut response body bytes written to the client
 * @param requestReadNanos Tq (HAProxy's TR): from the first byte of the request head to the complete head; -1 when
 *     the head's first byte was not seen on its own (a pipelined request read together with the one before it)
 * @param queueNanos time waiting for a usable server
 * @param connectNanos time to connect (or take a pooled connection) for the last attempt
 * @param responseNanos from request head in to response head out
 * @param totalNanos from request head in to the last byte out
 * @param termination who ended the exchange and when
 * @param tunnel whether the exchange became a websocket tunnel (101)
 */
public record ExchangeRecord(
        String listener,
        String clientAddress,
        int clientPort,
        long startEpochMillis,
        String method,
        String uri,
        String backend,
        String server,
        String reason,
        String cookieStatus,
        boolean cookieSet,
        int attempts,
        int status,
        long bytesIn,
        long bytesOut,
        long requestReadNanos,
        long queueNanos,
        long connectNanos,
        long responseNanos,
        long totalNanos,
        TerminationState termination,
        boolean tunnel) {

    /** An exchange whose request read time is unknown ({@code requestReadNanos} -1). */
    public ExchangeRecord(String listener, String clientAddress, int clientPort, long startEpochMillis, String method,
            String uri, String backend, String server, String reason, String cookieStatus, boolean cookieSet,
            int attempts, int status, long bytesIn, long bytesOut, long queueNanos, long connectNanos,
            long responseNanos, long totalNanos, TerminationState termination, boolean tunnel) {
        this(listener, clientAddress, clientPort, startEpochMillis, method, uri, backend, server, reason, cookieStatus,
                cookieSet, attempts, status, bytesIn, bytesOut, -1, queueNanos, connectNanos, responseNanos,
                totalNanos, termination, tunnel);
    }
}
