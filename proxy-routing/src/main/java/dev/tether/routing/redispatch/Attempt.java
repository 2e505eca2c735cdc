package dev.tether.routing.redispatch;

/**
 * One failed attempt: which server, and how.
 *
 * @param serverId the server, as {@code Server.id()} ({@code backend/name})
 * @param failure how the attempt failed
 * @param status the server's status for {@link FailureKind#BAD_GATEWAY_STATUS}, 0 otherwise
 */
public record Attempt(String serverId, FailureKind failure, int status) {

    public Attempt {
        if (serverId == null || failure == null) {
            throw new IllegalArgumentException("an attempt needs a server id and a failure");
        }
        if ((failure == FailureKind.BAD_GATEWAY_STATUS) != (status >= 500 && status <= 599)) {
            throw new IllegalArgumentException("status " + status + " with " + failure
                    + " (expected 500..599 with BAD_GATEWAY_STATUS, 0 otherwise)");
        }
    }

    public static Attempt failed(String serverId, FailureKind failure) {
        return new Attempt(serverId, failure, 0);
    }

    public static Attempt status(String serverId, int status) {
        return new Attempt(serverId, FailureKind.BAD_GATEWAY_STATUS, status);
    }
}
