package dev.tether.routing.redispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.routing.redispatch.RedispatchDecision.GiveUp;
import dev.tether.routing.redispatch.RedispatchDecision.RetrySame;
import dev.tether.routing.redispatch.RedispatchDecision.TryAnother;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class RedispatchPolicyTest {

    private static final Set<RetryOn> ALL = EnumSet.allOf(RetryOn.class);

    private static Set<RetryOn> retryOn(String names) {
        if (names.equals("none")) {
            return Set.of();
        }
        if (names.equals("all")) {
            return ALL;
        }
        Set<RetryOn> set = EnumSet.noneOf(RetryOn.class);
        for (String n : names.split(" ")) {
            set.add(RetryOn.fromConfigName(n));
        }
        return set;
    }

    private static String show(RedispatchDecision d) {
        if (d instanceof RetrySame) {
            return "same " + ((RetrySame) d).delayMillis() + " " + d.reason();
        }
        if (d instanceof TryAnother) {
            return "another " + d.reason();
        }
        return "give-up " + ((GiveUp) d).status() + " " + d.reason();
    }

    /**
     * One failed attempt on api/s1 after {@code before} earlier failures of the same kind on it. Columns:
     * method, request bytes written, body replayable, response started, failure, server status, retries,
     * redispatch, retry-on, earlier failures, expected decision.
     */
    @ParameterizedTest(name = "{0} written={1} replayable={2} started={3} {4} {5} retries={6} redispatch={7} "
            + "retry-on=[{8}] before={9} -> {10}")
    @CsvSource({
        // What never reached a server is retried whatever the method, POST included.
        "GET,    false, true,  false, CONNECT_REFUSED,           0,   3, false, conn-failure, 0, same 100 NEVER_REACHED_SERVER",
        "POST,   false, true,  false, CONNECT_REFUSED,           0,   3, false, conn-failure, 0, same 100 NEVER_REACHED_SERVER",
        "POST,   false, true,  false, CONNECT_TIMEOUT,           0,   3, false, conn-failure, 0, same 100 NEVER_REACHED_SERVER",
        "POST,   false, true,  false, RESET_BEFORE_REQUEST_SENT, 0,   3, false, conn-failure, 0, same 0 NEVER_REACHED_SERVER",
        "PATCH,  false, true,  false, RESET_BEFORE_REQUEST_SENT, 0,   3, false, conn-failure, 0, same 0 NEVER_REACHED_SERVER",
        // A POST whose bytes left is never sent again, whatever retry-on says.
        "POST,   true,  true,  false, RESET_AFTER_REQUEST_SENT,  0,   3, true,  all,          0, give-up 502 NOT_IDEMPOTENT",
        "POST,   true,  true,  false, EMPTY_RESPONSE,            0,   3, true,  all,          0, give-up 502 NOT_IDEMPOTENT",
        "POST,   true,  true,  false, RESPONSE_TIMEOUT,          0,   3, true,  all,          0, give-up 504 NOT_IDEMPOTENT",
        "POST,   true,  true,  false, BAD_GATEWAY_STATUS,        503, 3, true,  all,          0, give-up 503 NOT_IDEMPOTENT",
        "PATCH,  true,  true,  false, EMPTY_RESPONSE,            0,   3, true,  all,          0, give-up 502 NOT_IDEMPOTENT",
        // The facts win over the kind: bytes written means the server may have the request.
        "POST,   true,  true,  false, CONNECT_REFUSED,           0,   3, true,  all,          0, give-up 502 NOT_IDEMPOTENT",
        "POST,   true,  true,  false, RESET_BEFORE_REQUEST_SENT, 0,   3, true,  all,          0, give-up 502 NOT_IDEMPOTENT",
        "GET,    true,  true,  false, RESET_BEFORE_REQUEST_SENT, 0,   3, false, conn-failure, 0, same 0 RETRY_ON_ALLOWED",
        // Idempotent requests that reached a server: only what retry-on covers.
        "GET,    true,  true,  false, EMPTY_RESPONSE,            0,   3, false, conn-failure, 0, give-up 502 NOT_COVERED_BY_RETRY_ON",
        "GET,    true,  true,  false, EMPTY_RESPONSE,            0,   3, false, conn-failure empty-response, 0, same 0 RETRY_ON_ALLOWED",
        "HEAD,   true,  true,  false, RESET_AFTER_REQUEST_SENT,  0,   3, false, empty-response, 0, same 0 RETRY_ON_ALLOWED",
        "GET,    true,  true,  false, RESPONSE_TIMEOUT,          0,   3, false, conn-failure, 0, give-up 504 NOT_COVERED_BY_RETRY_ON",
        "DELETE, true,  true,  false, RESPONSE_TIMEOUT,          0,   3, false, response-timeout, 0, same 0 RETRY_ON_ALLOWED",
        "GET,    true,  true,  false, BAD_GATEWAY_STATUS,        502, 3, false, 502,          0, same 0 RETRY_ON_ALLOWED",
        "GET,    true,  true,  false, BAD_GATEWAY_STATUS,        503, 3, false, 502,          0, give-up 503 NOT_COVERED_BY_RETRY_ON",
        "PUT,    true,  true,  false, BAD_GATEWAY_STATUS,        504, 3, false, 503 504,      0, same 0 RETRY_ON_ALLOWED",
        "GET,    true,  true,  false, BAD_GATEWAY_STATUS,        500, 3, true,  all,          0, give-up 500 NOT_COVERED_BY_RETRY_ON",
        "OPTIONS,true,  true,  false, BAD_GATEWAY_STATUS,        503, 3, false, all,          0, same 0 RETRY_ON_ALLOWED",
        // retry-on none turns retries off entirely.
        "GET,    false, true,  false, CONNECT_REFUSED,           0,   3, true,  none,         0, give-up 502 NOT_COVERED_BY_RETRY_ON",
        // A streamed body cannot be sent twice.
        "PUT,    true,  false, false, EMPTY_RESPONSE,            0,   3, false, all,          0, give-up 502 BODY_NOT_REPLAYABLE",
        "PUT,    false, false, false, CONNECT_REFUSED,           0,   3, false, all,          0, give-up 502 BODY_NOT_REPLAYABLE",
        // Once the response started, never retry.
        "GET,    true,  true,  true,  EMPTY_RESPONSE,            0,   3, true,  all,          0, give-up 502 RESPONSE_STARTED",
        "GET,    true,  true,  true,  RESPONSE_TIMEOUT,          0,   3, true,  all,          0, give-up 504 RESPONSE_STARTED",
        // retries N: the same server first, the last retry elsewhere when redispatch is on.
        "GET,    false, true,  false, CONNECT_REFUSED,           0,   3, true,  conn-failure, 1, same 100 NEVER_REACHED_SERVER",
        "GET,    false, true,  false, CONNECT_REFUSED,           0,   3, true,  conn-failure, 2, another NEVER_REACHED_SERVER",
        "POST,   false, true,  false, CONNECT_TIMEOUT,           0,   3, true,  conn-failure, 2, another NEVER_REACHED_SERVER",
        "GET,    false, true,  false, CONNECT_REFUSED,           0,   3, false, conn-failure, 2, same 100 NEVER_REACHED_SERVER",
        "GET,    false, true,  false, CONNECT_REFUSED,           0,   3, true,  conn-failure, 3, give-up 502 RETRIES_EXHAUSTED",
        "GET,    true,  true,  false, RESPONSE_TIMEOUT,          0,   3, true,  all,          3, give-up 504 RETRIES_EXHAUSTED",
        "GET,    false, true,  false, CONNECT_REFUSED,           0,   1, true,  conn-failure, 0, another NEVER_REACHED_SERVER",
        "GET,    false, true,  false, CONNECT_REFUSED,           0,   0, true,  conn-failure, 0, give-up 502 RETRIES_EXHAUSTED",
    })
    void decides(String method, boolean written, boolean replayable, boolean started, FailureKind kind, int status,
            int retries, boolean redispatch, String retryOn, int before, String expected) {
        RedispatchPolicy policy = new RedispatchPolicy(retries, redispatch, retryOn(retryOn));
        ExchangeFacts facts = new ExchangeFacts(ExchangeFacts.isIdempotent(method), written, replayable, started);
        Attempt failed = new Attempt("api/s1", kind, status);
        AttemptHistory history = AttemptHistory.EMPTY;
        for (int i = 0; i < before; i++) {
            history = history.append(failed);
        }

        assertThat(show(policy.decide(facts, history, failed))).isEqualTo(expected);
    }

    /** Where each retry goes: S = same server, A = another, for an exchange that keeps failing to connect. */
    @ParameterizedTest(name = "retries {0}, redispatch {1} every {2}: {3}")
    @CsvSource({
        "3, true,  -1, SSA",
        "3, false, -1, SSS",
        "3, true,   1, AAA",
        "3, true,   2, SAS",
        "3, true,  -2, SAS",
        "5, true,  -1, SSSSA",
        "1, true,  -1, A",
        "2, true,  -3, AA",
    })
    void redispatchesOnTheScheduledRetries(int retries, boolean redispatch, int every, String schedule) {
        RedispatchPolicy policy = new RedispatchPolicy(retries, redispatch, every, RetryOn.DEFAULT, 0);
        ExchangeFacts facts = ExchangeFacts.beforeSending("GET", true);
        AttemptHistory history = AttemptHistory.EMPTY;
        String server = "api/s1";
        StringBuilder seen = new StringBuilder();
        for (int i = 0; i <= retries; i++) {
            Attempt failed = Attempt.failed(server, FailureKind.CONNECT_REFUSED);
            RedispatchDecision d = policy.decide(facts, history, failed);
            history = history.append(failed);
            if (d instanceof GiveUp) {
                assertThat(i).as("gives up only after every retry").isEqualTo(retries);
                break;
            }
            seen.append(d instanceof TryAnother ? 'A' : 'S');
            if (d instanceof TryAnother) {
                server = "api/s" + (i + 2);
            }
        }
        assertThat(seen.toString()).isEqualTo(schedule);
    }

    @Test
    void tryAnotherAvoidsEveryServerThatFailed() {
        RedispatchPolicy policy = new RedispatchPolicy(3, true, 1, RetryOn.DEFAULT, 0);
        ExchangeFacts facts = ExchangeFacts.beforeSending("GET", true);
        AttemptHistory history = AttemptHistory.of(
                Attempt.failed("api/s1", FailureKind.CONNECT_REFUSED),
                Attempt.failed("api/s2", FailureKind.CONNECT_TIMEOUT));

        RedispatchDecision d = policy.decide(facts, history, Attempt.failed("api/s3", FailureKind.CONNECT_REFUSED));

        assertThat(d).isInstanceOf(TryAnother.class);
        assertThat(((TryAnother) d).avoid()).containsExactlyInAnyOrder("api/s1", "api/s2", "api/s3");
    }

    @Test
    void whenNoOtherServerIsUsableRetriesTheFailedOneOrAnswers503() {
        RedispatchPolicy policy = RedispatchPolicy.defaults();
        Attempt refused = Attempt.failed("api/s1", FailureKind.CONNECT_REFUSED);
        Attempt empty = Attempt.failed("api/s1", FailureKind.EMPTY_RESPONSE);

        assertThat(policy.noOtherServer(refused, true))
                .isEqualTo(new RetrySame(100, RedispatchReason.NO_OTHER_SERVER));
        assertThat(policy.noOtherServer(empty, true)).isEqualTo(new RetrySame(0, RedispatchReason.NO_OTHER_SERVER));
        assertThat(policy.noOtherServer(refused, false)).isEqualTo(new GiveUp(503, RedispatchReason.NO_SERVER_LEFT));
    }

    /**
     * Plays every sequence of up to four failures through the policy, as an exchange would, and counts the
     * attempts that may have reached a server. A POST must reach one at most once, however permissive the
     * configuration; every method stops after {@code retries} retries.
     */
    @ParameterizedTest
    @CsvSource({"POST, 1", "PATCH, 1", "GET, 4", "PUT, 4"})
    void aNonIdempotentRequestReachesAServerAtMostOnce(String method, int maxDeliveries) {
        RedispatchPolicy policy = new RedispatchPolicy(3, true, 1, ALL, 0);
        FailureKind[] kinds = FailureKind.values();
        List<List<FailureKind>> sequences = new ArrayList<>();
        sequences.add(List.of());
        for (int len = 0; len < 4; len++) {
            List<List<FailureKind>> longer = new ArrayList<>();
            for (List<FailureKind> s : sequences) {
                for (FailureKind k : kinds) {
                    List<FailureKind> n = new ArrayList<>(s);
                    n.add(k);
                    longer.add(n);
                }
            }
            sequences = longer;
        }
        int worst = 0;
        for (List<FailureKind> sequence : sequences) {
            AttemptHistory history = AttemptHistory.EMPTY;
            int deliveries = 0;
            int attempts = 0;
            for (FailureKind kind : sequence) {
                attempts++;
                ExchangeFacts facts = ExchangeFacts.beforeSending(method, true);
                if (!kind.beforeRequestSent()) {
                    facts = facts.withRequestBytesWritten();
                    deliveries++;
                }
                Attempt failed = kind == FailureKind.BAD_GATEWAY_STATUS
                        ? Attempt.status("api/s" + attempts, 503)
                        : Attempt.failed("api/s" + attempts, kind);
                RedispatchDecision d = policy.decide(facts, history, failed);
                history = history.append(failed);
                if (d instanceof GiveUp) {
                    break;
                }
            }
            assertThat(attempts).as("attempts for %s", sequence).isLessThanOrEqualTo(4);
            worst = Math.max(worst, deliveries);
        }
        assertThat(worst).isEqualTo(maxDeliveries);
    }

    @Test
    void defaultsAreHaproxys() {
        RedispatchPolicy d = RedispatchPolicy.defaults();
        assertThat(d.retries()).isEqualTo(3);
        assertThat(d.redispatch()).isFalse();
        assertThat(d.redispatchEvery()).isEqualTo(-1);
        assertThat(d.retryOn()).containsExactly(RetryOn.CONNECT_FAILURE);
    }

    @Test
    void rejectsBadSettingsSayingWhatIsAccepted() {
        assertThatThrownBy(() -> new RedispatchPolicy(11, true, RetryOn.DEFAULT))
                .hasMessage("retries = 11 (expected 0..10)");
        assertThatThrownBy(() -> new RedispatchPolicy(3, true, 0, RetryOn.DEFAULT, 0))
                .hasMessageStartingWith("redispatch-every = 0 (expected -1 for the last retry");
        assertThatThrownBy(() -> new RedispatchPolicy(3, true, -1, RetryOn.DEFAULT, -5))
                .hasMessage("retry-delay = -5 ms (expected >= 0)");
    }

    @ParameterizedTest
    @EnumSource(RetryOn.class)
    void retryOnNamesRoundTrip(RetryOn r) {
        assertThat(RetryOn.fromConfigName(r.configName())).isEqualTo(r);
    }

    @Test
    void haproxysConnFailureSpellingIsAccepted() {
        assertThat(RetryOn.fromConfigName("conn-failure")).isEqualTo(RetryOn.CONNECT_FAILURE);
        assertThat(RetryOn.fromConfigName("connect-failure")).isEqualTo(RetryOn.CONNECT_FAILURE);
        assertThat(RetryOn.fromConfigName("500")).isNull();
    }

    @ParameterizedTest
    @CsvSource({
        "connect-failure, 503, false",
        "connect-failure 503, 503, true",
        "connect-failure 503, 502, false",
        "connect-failure 503, 500, false",
        "502 504, 504, true",
        "all, 500, false",
        "all, 200, false",
    })
    void coversStatusOnlyForTheConfiguredGatewayStatuses(String names, int status, boolean covered) {
        assertThat(new RedispatchPolicy(3, true, retryOn(names)).coversStatus(status)).isEqualTo(covered);
    }

    @Test
    void forBackendTakesTheBackendsRetryOn() {
        var servers = java.util.List.of(dev.tether.routing.config.ServerConfig.of("a", "127.0.0.1", 1));
        var backend = new dev.tether.routing.config.BackendConfig("app",
                dev.tether.routing.config.BalanceAlgorithm.ROUND_ROBIN, servers, null, 2, true,
                EnumSet.of(RetryOn.CONNECT_FAILURE, RetryOn.STATUS_503));
        RedispatchPolicy p = RedispatchPolicy.forBackend(backend);
        assertThat(p.retries()).isEqualTo(2);
        assertThat(p.redispatch()).isTrue();
        assertThat(p.retryOn()).containsExactlyInAnyOrder(RetryOn.CONNECT_FAILURE, RetryOn.STATUS_503);
        assertThat(RedispatchPolicy.forBackend(backend.withServers(servers)).retryOn()).isEqualTo(p.retryOn());
        var plain = new dev.tether.routing.config.BackendConfig("app",
                dev.tether.routing.config.BalanceAlgorithm.ROUND_ROBIN, servers, null, 2, true);
        assertThat(RedispatchPolicy.forBackend(plain).retryOn()).isEqualTo(RetryOn.DEFAULT);
    }

    @ParameterizedTest
    @CsvSource({
        "CONNECT_REFUSED, 0, CONNECT_FAILURE",
        "CONNECT_TIMEOUT, 0, CONNECT_FAILURE",
        "RESET_BEFORE_REQUEST_SENT, 0, CONNECT_FAILURE",
        "RESET_AFTER_REQUEST_SENT, 0, EMPTY_RESPONSE",
        "EMPTY_RESPONSE, 0, EMPTY_RESPONSE",
        "RESPONSE_TIMEOUT, 0, RESPONSE_TIMEOUT",
        "BAD_GATEWAY_STATUS, 502, STATUS_502",
        "BAD_GATEWAY_STATUS, 503, STATUS_503",
        "BAD_GATEWAY_STATUS, 504, STATUS_504",
        "BAD_GATEWAY_STATUS, 500, ",
    })
    void eachFailureHasItsRetryOnCondition(FailureKind kind, int status, RetryOn condition) {
        assertThat(RetryOn.covering(kind, status)).isEqualTo(condition);
    }

    @ParameterizedTest
    @CsvSource({
        "false, false, RESET_BEFORE_REQUEST_SENT",
        "false, true,  RESET_BEFORE_REQUEST_SENT",
        "true,  true,  RESET_AFTER_REQUEST_SENT",
        "true,  false, EMPTY_RESPONSE",
    })
    void namesAConnectionThatEndedBeforeTheResponse(boolean written, boolean reset, FailureKind kind) {
        assertThat(FailureKind.closedBeforeResponse(written, reset)).isEqualTo(kind);
    }

    @ParameterizedTest
    @CsvSource({"GET, true", "head, true", "OPTIONS, true", "TRACE, true", "PUT, true", "DELETE, true",
        "POST, false", "PATCH, false", "CONNECT, false", "PROPFIND, false"})
    void knowsWhichMethodsAreIdempotent(String method, boolean idempotent) {
        assertThat(ExchangeFacts.isIdempotent(method)).isEqualTo(idempotent);
    }

    @Test
    void anAttemptCarriesAStatusExactlyWhenTheServerAnswered5xx() {
        assertThat(Attempt.status("api/s1", 502).failure()).isEqualTo(FailureKind.BAD_GATEWAY_STATUS);
        assertThatThrownBy(() -> new Attempt("api/s1", FailureKind.BAD_GATEWAY_STATUS, 200))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Attempt("api/s1", FailureKind.CONNECT_REFUSED, 503))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void historyIsImmutable() {
        AttemptHistory one = AttemptHistory.EMPTY.append(Attempt.failed("api/s1", FailureKind.CONNECT_REFUSED));
        AttemptHistory two = one.append(Attempt.failed("api/s2", FailureKind.CONNECT_REFUSED));

        assertThat(AttemptHistory.EMPTY.isEmpty()).isTrue();
        assertThat(one.size()).isEqualTo(1);
        assertThat(two.servers()).containsExactly("api/s1", "api/s2");
        assertThatThrownBy(() -> two.attempts().add(Attempt.failed("x/y", FailureKind.CONNECT_REFUSED)))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
