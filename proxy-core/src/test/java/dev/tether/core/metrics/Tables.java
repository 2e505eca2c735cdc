package dev.tether.core.metrics;

import dev.tether.routing.RoutingTable;
import dev.tether.routing.config.BackendConfig;
import dev.tether.routing.config.BalanceAlgorithm;
import dev.tether.routing.config.RoutingConfig;
import dev.tether.routing.config.ServerConfig;
import java.util.List;

/** Routing tables for observability tests: backend api with s1 (weight 3, max-conn 50) and s2, backend web with w1. */
public final class Tables {

    private Tables() {}

    public static RoutingTable apiAndWeb() {
        BackendConfig api = new BackendConfig("api", BalanceAlgorithm.ROUND_ROBIN, List.of(
                new ServerConfig("s1", "127.0.0.1", 9001, 3, false, 50),
                ServerConfig.of("s2", "127.0.0.1", 9002)), null, 1, true);
        BackendConfig web = new BackendConfig("web", BalanceAlgorithm.ROUND_ROBIN, List.of(
                new ServerConfig("w1", "127.0.0.1", 9003, 1, true, 0)), null, 0, false);
        return RoutingTable.compile(new RoutingConfig(List.of(), List.of(api, web), "api"));
    }

    /** Only backend api with s1: a reload that removed s2 and web. */
    public static RoutingTable apiOnly() {
        BackendConfig api = new BackendConfig("api", BalanceAlgorithm.ROUND_ROBIN, List.of(
                new ServerConfig("s1", "127.0.0.1", 9001, 3, false, 50)), null, 1, true);
        return RoutingTable.compile(new RoutingConfig(List.of(), List.of(api), "api"));
    }
}
