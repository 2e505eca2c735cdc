package dev.tether.routing.redispatch;

import java.util.Set;

/** What to do after a failed attempt; see {@link RedispatchPolicy#decide}. */
public sealed interface RedispatchDecision {

    RedispatchReason reason();

    /**
     * Send the request again to the server that just failed, after {@code delayMillis} (0 for at once).
     */
    record RetrySame(long delayMillis, RedispatchReason reason) implements RedispatchDecision {}

    /**
     * Send the request to another server, chosen by {@code Router.reroute} avoiding the servers in {@code avoid}
     * ({@code backend/name} ids); the router marks the sticky cookie for rewrite. When the router finds none,
     * ask {@link RedispatchPolicy#noOtherServer}.
     */
    record TryAnother(Set<String> avoid, RedispatchReason reason) implements RedispatchDecision {
        public TryAnother {
            avoid = Set.copyOf(avoid);
        }
    }

    /**
     * Stop retrying. Before any response byte went to the client, answer {@code status}: 502 after a
     * connection failure, reset or empty response, 504 after a response timeout, 503 when no server is left.
     * After a {@link FailureKind#BAD_GATEWAY_STATUS}, {@code status} is the server's own and its response is
     * passed on as it is. After {@link RedispatchReason#RESPONSE_STARTED}, close the client connection.
     */
    record GiveUp(int status, RedispatchReason reason) implements RedispatchDecision {}
}
