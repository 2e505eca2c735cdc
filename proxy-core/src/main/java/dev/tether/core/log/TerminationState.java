package dev.tether.core.log;

/**
 * Who ended an exchange and in which phase, after HAProxy's two-letter termination state.
 *
 * <p>The first part says who or what ended it, the second in which phase it was.
 */
public enum TerminationState {
    /** Completed normally. */
    NORMAL("--"),
    /** The client closed or reset while the request was being read. */
    CLIENT_ABORT_REQUEST("CR"),
    /** The client closed or reset while the response was being sent. */
    CLIENT_ABORT_DATA("CD"),
    /** The client was too slow sending its request (408). */
    CLIENT_TIMEOUT_REQUEST("cR"),
    /** The client sent an invalid request (400, 413, 414, 431). */
    PROXY_REJECT_REQUEST("PR"),
    /** The proxy answered itself (redirect, 404 no route, 503 refused by a rule). */
    PROXY_LOCAL("PL"),
    /** Waited in the queue too long for a usable server (503). */
    SERVER_QUEUE_TIMEOUT("sQ"),
    /** Could not connect to any server (502/503). */
    SERVER_CONNECT("SC"),
    /** The server did not send its response head in time (504). */
    SERVER_TIMEOUT_HEADERS("sH"),
    /** The server closed, reset or sent garbage before the response head (502). */
    SERVER_ABORT_HEADERS("SH"),
    /** The server closed, reset or stalled while sending the body; the client transfer was cut. */
    SERVER_ABORT_DATA("SD"),
    /** A tunnel ended by inactivity. */
    TUNNEL_TIMEOUT("tT"),
    /** The proxy was stopping and the drain timeout ran out. */
    PROXY_SHUTDOWN("KD");

    private final String code;

    TerminationState(String code) {
        this.code = code;
    }

    /** The two-letter code written in the access log. */
    public String code() {
        return code;
    }
}
