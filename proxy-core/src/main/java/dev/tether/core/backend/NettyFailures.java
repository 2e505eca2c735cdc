package dev.tether.core.backend;

import dev.tether.routing.redispatch.FailureKind;
import io.netty.channel.ConnectTimeoutException;
import java.net.SocketTimeoutException;

/** Turns the exceptions of a failed connect into the routing engine's {@link FailureKind}. */
public final class NettyFailures {

    private NettyFailures() {}

    /** Refused, unreachable and unresolvable all mean: nothing was sent; a timeout is told apart for the log. */
    public static FailureKind ofConnect(Throwable cause) {
        if (cause instanceof ConnectTimeoutException || cause instanceof SocketTimeoutException) {
            return FailureKind.CONNECT_TIMEOUT;
        }
        return FailureKind.CONNECT_REFUSED;
    }
}
