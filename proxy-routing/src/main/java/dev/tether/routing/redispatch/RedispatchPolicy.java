package dev.tether.routing.redispatch;

import dev.tether.routing.config.BackendConfig;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Decides whether and where a failed attempt is retried, after HAProxy's {@code retries},
 * {@code option redispatch} and {@code retry-on}.
 *
 * <p>Safety first. A failure that proves no request byte reached a server (connect refused or timed out, a
 * connection that closed before the first byte was written) may be retried for any method: the request is
 * still delivered at most once. Once a byte was written, the request is retried only if its method is
 * idempotent, its body can be sent again, and {@code retryOn} covers the failure; so a POST whose bytes left
 * is never sent twice. Once a byte of a response went to the client, nothing is retried. The default
 * {@code retryOn} is {@link RetryOn#DEFAULT}: connect failures only.
 *
 * <p>Where. {@code retries} counts attempts after the first. A retry goes to the same server, except when
 * {@code redispatch} is on and the retry is due for redispatch: by default ({@code redispatchEvery = -1})
 * the last retry; with {@code redispatchEvery = P > 0} every P-th retry; with {@code -N} the N-th retry
 * before the end, as HAProxy's {@code option redispatch <interval>}. A redispatched retry may break
 * stickiness: the router picks another server and re-sets the cookie. Unlike HAProxy, a request the balancer
 * placed is not moved on every retry; it follows the same schedule as a sticky one.
 *
 * <p>Connect failures retried on the same server wait {@code retryDelayMillis} first (HAProxy waits up to a
 * second), giving a restarting server a moment; other retries go at once.
 *
 * @param retries retries allowed after the first attempt, 0..10
 * @param redispatch whether a retry may go to another server
 * @param redispatchEvery which retries redispatch: -1 the last, P > 0 every P-th, -N the N-th before the end
 * @param retryOn the failures that may be retried once request bytes were written (plus connect failures)
 * @param retryDelayMillis wait before retrying a connect failure on the same server
 */
public record RedispatchPolicy(
        int retries, boolean redispatch, int redispatchEvery, Set<RetryOn> retryOn, long retryDelayMillis) {

    /** Delay before a connect failure is retried on the same server. */
    public static final long DEFAULT_RETRY_DELAY_MILLIS = 100;

    public RedispatchPolicy {
        if (retries < 0 || retries > 10) {
            throw new IllegalArgumentException("retries = " + retries + " (expected 0..10)");
        }
        if (redispatchEvery == 0) {
            throw new IllegalArgumentException("redispatch-every = 0 (expected -1 for the last retry, P > 0 for "
                    + "every P-th retry, -N for the N-th retry before the end; set redispatch off to disable)");
        }
        if (retryDelayMillis < 0) {
            throw new IllegalArgumentException("retry-delay = " + retryDelayMillis + " ms (expected >= 0)");
        }
        retryOn = retryOn.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(retryOn));
    }

    /** Redispatch on the last retry, connect retries after {@value #DEFAULT_RETRY_DELAY_MILLIS} ms. */
    public RedispatchPolicy(int retries, boolean redispatch, Set<RetryOn> retryOn) {
        this(retries, redispatch, -1, retryOn, DEFAULT_RETRY_DELAY_MILLIS);
    }

    /** HAProxy's defaults: {@code retries 3}, no redispatch, retry connect failures only. */
    public static RedispatchPolicy defaults() {
        return new RedispatchPolicy(3, false, RetryOn.DEFAULT);
    }

    /** A backend's {@code retries}, {@code redispatch} and {@code retry-on}. */
    public static RedispatchPolicy forBackend(BackendConfig backend) {
        return new RedispatchPolicy(backend.retries(), backend.redispatch(), backend.retryOn());
    }

    /**
     * Whether {@code retryOn} has a condition for a server's answer with this status (502, 503 or 504), so that the
     * proxy must hold the answer back and ask {@link #decide}; false for any other status.
     */
    public boolean coversStatus(int status) {
        RetryOn condition = status >= 502 && status <= 504 ? RetryOn.covering(FailureKind.BAD_GATEWAY_STATUS, status)
                : null;
        return condition != null && retryOn.contains(condition);
    }

    /**
     * Decides what follows the failed attempt {@code failed}, given the attempts that failed before it
     * ({@code history}, not including {@code failed}). Returns, checked in this order:
     * <ul>
     *   <li>{@code GiveUp(RESPONSE_STARTED)} when a response byte already went to the client;
     *   <li>{@code GiveUp(NOT_COVERED_BY_RETRY_ON)} when {@code retryOn} has no condition for the failure;
     *   <li>{@code GiveUp(NOT_IDEMPOTENT)} when request bytes were written and the method is not idempotent;
     *   <li>{@code GiveUp(BODY_NOT_REPLAYABLE)} when the request body cannot be sent again;
     *   <li>{@code GiveUp(RETRIES_EXHAUSTED)} when {@code retries} retries were already made;
     *   <li>{@code TryAnother(avoid every server that failed)} when redispatch is on and this retry is due
     *       for it;
     *   <li>{@code RetrySame} otherwise, with the reason {@code NEVER_REACHED_SERVER} or
     *       {@code RETRY_ON_ALLOWED}.
     * </ul>
     * The status of a {@code GiveUp} is 502, 504 for a response timeout, or the server's own 5xx.
     */
    public RedispatchDecision decide(ExchangeFacts facts, AttemptHistory history, Attempt failed) {
        FailureKind kind = failed.failure();
        int status = giveUpStatus(failed);
        if (facts.responseStarted()) {
            return new RedispatchDecision.GiveUp(status, RedispatchReason.RESPONSE_STARTED);
        }
        RetryOn condition = RetryOn.covering(kind, failed.status());
        if (condition == null || !retryOn.contains(condition)) {
            return new RedispatchDecision.GiveUp(status, RedispatchReason.NOT_COVERED_BY_RETRY_ON);
        }
        // Trust the facts over the kind: bytes written mean the server may have the request.
        boolean reachedServer = facts.requestBytesWritten() || !kind.beforeRequestSent();
        if (reachedServer && !facts.idempotent()) {
            return new RedispatchDecision.GiveUp(status, RedispatchReason.NOT_IDEMPOTENT);
        }
        if (!facts.bodyReplayable()) {
            return new RedispatchDecision.GiveUp(status, RedispatchReason.BODY_NOT_REPLAYABLE);
        }
        int retry = history.size() + 1;
        if (retry > retries) {
            return new RedispatchDecision.GiveUp(status, RedispatchReason.RETRIES_EXHAUSTED);
        }
        RedispatchReason reason =
                reachedServer ? RedispatchReason.RETRY_ON_ALLOWED : RedispatchReason.NEVER_REACHED_SERVER;
        if (redispatch && redispatchDue(retry)) {
            Set<String> avoid = new LinkedHashSet<>(history.servers());
            avoid.add(failed.serverId());
            return new RedispatchDecision.TryAnother(avoid, reason);
        }
        boolean connectFailure = kind == FailureKind.CONNECT_REFUSED || kind == FailureKind.CONNECT_TIMEOUT;
        return new RedispatchDecision.RetrySame(connectFailure ? retryDelayMillis : 0, reason);
    }

    /**
     * What to do when a {@code TryAnother} found no server outside its avoid set: retry the server that failed
     * if it is still usable (as HAProxy, whose balancer may pick the same server again), else answer 503.
     * The retry was already counted by {@link #decide}.
     */
    public RedispatchDecision noOtherServer(Attempt failed, boolean failedServerUsable) {
        if (!failedServerUsable) {
            return new RedispatchDecision.GiveUp(503, RedispatchReason.NO_SERVER_LEFT);
        }
        boolean connectFailure = failed.failure() == FailureKind.CONNECT_REFUSED
                || failed.failure() == FailureKind.CONNECT_TIMEOUT;
        return new RedispatchDecision.RetrySame(connectFailure ? retryDelayMillis : 0,
                RedispatchReason.NO_OTHER_SERVER);
    }

    private boolean redispatchDue(int retry) {
        if (redispatchEvery > 0) {
            return retry % redispatchEvery == 0;
        }
        // HAProxy: -1 gives the last retry, -2 the one before; reaching back past the first means every retry.
        int period = Math.max(1, retries + 1 + redispatchEvery);
        return retry % period == 0;
    }

    private static int giveUpStatus(Attempt failed) {
        switch (failed.failure()) {
            case BAD_GATEWAY_STATUS:
                return failed.status();
            case RESPONSE_TIMEOUT:
                return 504;
            default:
                return 502;
        }
    }
}
