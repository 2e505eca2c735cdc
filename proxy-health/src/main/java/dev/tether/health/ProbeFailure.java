package dev.tether.health;

/** Why a probe failed. Each value names the phase that went wrong, so the log line says what to look at. */
public enum ProbeFailure {
    /** The server actively refused the connection: nothing listens on the port. */
    REFUSED("connection refused"),
    /** No connection within the check timeout: host down, firewall, or a full accept queue. */
    CONNECT_TIMEOUT("connect timeout"),
    /** Connected, but no complete response head within the check timeout: the application hangs. */
    RESPONSE_TIMEOUT("response timeout"),
    /** A response arrived with a status outside the expected ranges. */
    BAD_STATUS("bad status"),
    /** The connection was reset or closed before a response head arrived. */
    RESET("connection reset"),
    /** Anything else: bad address, malformed response, a bug in the prober. */
    OTHER("probe error");

    private final String text;

    ProbeFailure(String text) {
        this.text = text;
    }

    /** A few words for logs, such as {@code connection refused}. */
    public String text() {
        return text;
    }
}
