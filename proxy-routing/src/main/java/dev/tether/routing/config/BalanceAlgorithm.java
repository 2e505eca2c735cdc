package dev.tether.routing.config;

/** How a backend spreads new sessions over its usable servers. */
public enum BalanceAlgorithm {
    /** Smooth weighted round-robin (nginx's algorithm): even interleaving, exact shares over a cycle. */
    ROUND_ROBIN("round-robin"),
    /** Fewest requests in flight relative to weight. */
    LEAST_CONNECTIONS("least-connections"),
    /** Two random servers by weight, the one with fewer requests in flight wins. */
    POWER_OF_TWO("power-of-two"),
    /** The first usable server in configuration order (HAProxy's {@code balance first}). */
    FIRST("first");

    private final String configName;

    BalanceAlgorithm(String configName) {
        this.configName = configName;
    }

    /** The spelling used in configuration files. */
    public String configName() {
        return configName;
    }

    /** Parses the configuration spelling; {@code null} when unknown. */
    public static BalanceAlgorithm fromConfigName(String name) {
        for (BalanceAlgorithm a : values()) {
            if (a.configName.equals(name)) {
                return a;
            }
        }
        return null;
    }
}
