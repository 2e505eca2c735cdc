package dev.tether.core.log;

/**
 * Receives every finished exchange and connection events. Called on event-loop threads: implementations must
 * not block (counters, a non-blocking queue to an async appender).
 */
public interface ExchangeListener {

    /** One finished exchange: the access log line and request metrics. */
    default void exchangeFinished(ExchangeRecord record) {}

    default void clientConnectionOpened(String listener) {}

    default void clientConnectionClosed(String listener) {}

    /** A new TCP connection to a server ({@code backend/server} id) was opened, or a pooled one closed. */
    default void serverConnectionOpened(String serverId) {}

    default void serverConnectionClosed(String serverId) {}

    /** An attempt on {@code serverId} failed and another attempt follows ({@code redispatch}: on another server). */
    default void retried(String serverId, String failureKind, boolean redispatch) {}

    default void tunnelOpened(String backend) {}

    /** A tunnel closed after carrying these bytes each way. */
    default void tunnelClosed(String backend, long bytesFromClient, long bytesFromServer) {}

    /** A request started waiting for a usable server of {@code backend} (its servers are at max-conn). */
    default void queued(String backend) {}

    /** A queued request stopped waiting after {@code waitNanos}: it got a server or timed out. */
    default void dequeued(String backend, long waitNanos) {}

    /** A TLS handshake with a client of {@code listener} completed or failed. */
    default void tlsHandshake(String listener, boolean success) {}

    /** Accepting a connection on {@code listener} failed (usually: no file descriptor left). */
    default void acceptFailed(String listener) {}

    ExchangeListener NONE = new ExchangeListener() {};
}
