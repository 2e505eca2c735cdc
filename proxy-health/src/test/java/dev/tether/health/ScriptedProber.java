package dev.tether.health;

import dev.tether.routing.model.Server;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A prober whose answers the test sets per server. Records when each server was probed. A server set to
 * {@link #hang} gets a future the test completes (or never does).
 */
final class ScriptedProber implements Prober {

    static final ProbeResult PASS = ProbeResult.pass(200, Duration.ofMillis(3));
    static final ProbeResult REFUSED = ProbeResult.fail(ProbeFailure.REFUSED, 0, Duration.ZERO);
    static final ProbeResult STATUS_500 = ProbeResult.fail(ProbeFailure.BAD_STATUS, 500, Duration.ofMillis(4));

    private final FakeTicker ticker;
    private final Map<String, Supplier<CompletionStage<ProbeResult>>> answers = new HashMap<>();
    private final Map<String, List<Long>> probeTimes = new HashMap<>();
    private final Map<String, List<CompletableFuture<ProbeResult>>> hanging = new HashMap<>();

    ScriptedProber(FakeTicker ticker) {
        this.ticker = ticker;
    }

    synchronized void answer(String serverId, ProbeResult result) {
        answers.put(serverId, () -> CompletableFuture.completedFuture(result));
    }

    synchronized void hang(String serverId) {
        answers.put(serverId, () -> {
            CompletableFuture<ProbeResult> f = new CompletableFuture<>();
            hanging.computeIfAbsent(serverId, k -> new ArrayList<>()).add(f);
            return f;
        });
    }

    synchronized void fail(String serverId, RuntimeException e) {
        answers.put(serverId, () -> CompletableFuture.failedFuture(e));
    }

    synchronized List<CompletableFuture<ProbeResult>> hanging(String serverId) {
        return hanging.getOrDefault(serverId, List.of());
    }

    synchronized List<Long> probeTimes(String serverId) {
        return List.copyOf(probeTimes.getOrDefault(serverId, List.of()));
    }

    synchronized int probes(String serverId) {
        return probeTimes(serverId).size();
    }

    @Override
    public CompletionStage<ProbeResult> probe(Server server) {
        Supplier<CompletionStage<ProbeResult>> answer;
        synchronized (this) {
            probeTimes.computeIfAbsent(server.id(), k -> new ArrayList<>()).add(ticker.read());
            answer = answers.getOrDefault(server.id(), () -> CompletableFuture.completedFuture(PASS));
        }
        return answer.get();
    }
}
