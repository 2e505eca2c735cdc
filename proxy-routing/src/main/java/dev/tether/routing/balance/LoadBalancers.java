package dev.tether.routing.balance;

import dev.tether.routing.config.BalanceAlgorithm;
import dev.tether.routing.model.Server;
import java.util.ArrayList;
import java.util.List;

/** Builds a backend's balancer when a routing table is compiled. */
public final class LoadBalancers {

    private LoadBalancers() {}

    /**
     * A balancer over the servers that take new sessions: state {@code UP} and weight above 0. Backup servers are
     * used only when no primary is left; a backend with no usable server gets a balancer that always answers
     * {@code null}.
     */
    public static LoadBalancer create(BalanceAlgorithm algorithm, List<Server> servers) {
        List<Server> primaries = new ArrayList<>();
        List<Server> backups = new ArrayList<>();
        for (Server s : servers) {
            if (s.state().acceptsNew() && s.config().weight() > 0) {
                (s.config().backup() ? backups : primaries).add(s);
            }
        }
        LoadBalancer primary = primaries.isEmpty() ? null : of(algorithm, primaries);
        LoadBalancer backup = backups.isEmpty() ? null : of(algorithm, backups);
        return backup == null && primary != null ? primary : new PrimaryThenBackup(primary, backup);
    }

    /** One algorithm over exactly these servers (each usable, weight above 0). */
    public static LoadBalancer of(BalanceAlgorithm algorithm, List<Server> servers) {
        switch (algorithm) {
            case ROUND_ROBIN:
                return new SmoothWeightedRoundRobin(servers);
            case LEAST_CONNECTIONS:
                return new LeastConnections(servers);
            case POWER_OF_TWO:
                return new PowerOfTwoChoices(servers);
            case FIRST:
                return new FirstAvailable(servers);
            default:
                throw new IllegalArgumentException("no balancer for " + algorithm);
        }
    }
}
