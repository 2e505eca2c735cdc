package dev.tether.core.admin;

import java.util.ArrayList;
import java.util.List;

/**
 * The admin listener: Prometheus metrics, the stats page and operator endpoints.
 *
 * <p>It is meant for operators and scrapers only, so it binds to loopback unless told otherwise. Peers outside
 * {@code allowedCidrs} get 403 whatever they ask; with a user set, every request needs HTTP basic auth.
 *
 * @param address bind address, {@code 127.0.0.1} by default
 * @param port TCP port, 0 for an ephemeral one (tests)
 * @param statsUri path of the stats page (HAProxy's {@code stats uri}), {@code /stats} by default
 * @param allowedCidrs peers allowed to connect, like {@code 10.0.0.0/8}; empty allows every peer
 * @param basicAuthUser user for basic auth, or {@code null} for no auth
 * @param basicAuthPassword password for basic auth, set exactly when the user is
 * @param apiToken bearer token required on the runtime API ({@code /api/...}) instead of basic auth, or
 *     {@code null} for none (then {@code /api/...} is protected like every other path)
 */
public record AdminConfig(
        String address,
        int port,
        String statsUri,
        List<String> allowedCidrs,
        String basicAuthUser,
        String basicAuthPassword,
        String apiToken) {

    public static final String DEFAULT_ADDRESS = "127.0.0.1";
    public static final int DEFAULT_PORT = 8404;
    public static final String DEFAULT_STATS_URI = "/stats";

    public AdminConfig {
        List<String> problems = new ArrayList<>();
        if (address == null || address.isBlank()) {
            problems.add("admin.address must be set (for example 127.0.0.1)");
        }
        if (port < 0 || port > 65535) {
            problems.add("admin.port = " + port + " (expected 0..65535)");
        }
        if (statsUri == null || !statsUri.startsWith("/") || statsUri.contains("?")) {
            problems.add("admin.stats-uri = " + statsUri + " (expected a path starting with /, like /stats)");
        } else if (statsUri.equals(AdminServer.METRICS_PATH)) {
            problems.add("admin.stats-uri = " + statsUri + " (taken by the Prometheus endpoint)");
        }
        allowedCidrs = allowedCidrs == null ? List.of() : List.copyOf(allowedCidrs);
        for (String cidr : allowedCidrs) {
            try {
                Cidr.parse(cidr);
            } catch (IllegalArgumentException e) {
                problems.add("admin." + e.getMessage());
            }
        }
        if ((basicAuthUser == null) != (basicAuthPassword == null)) {
            problems.add("admin.user and admin.password must be set together (or neither, for no auth)");
        } else if (basicAuthUser != null && (basicAuthUser.isEmpty() || basicAuthUser.contains(":"))) {
            problems.add("admin.user = '" + basicAuthUser + "' (expected a non-empty name without ':')");
        }
        if (apiToken != null && (apiToken.length() < 16 || !apiToken.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
            problems.add("admin.api-token must be at least 16 printable characters without spaces");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** Without an API token. */
    public AdminConfig(
            String address,
            int port,
            String statsUri,
            List<String> allowedCidrs,
            String basicAuthUser,
            String basicAuthPassword) {
        this(address, port, statsUri, allowedCidrs, basicAuthUser, basicAuthPassword, null);
    }

    /** This configuration with a bearer token for {@code /api/...}, or none ({@code null}). */
    public AdminConfig withApiToken(String token) {
        return new AdminConfig(address, port, statsUri, allowedCidrs, basicAuthUser, basicAuthPassword, token);
    }

    /** Loopback, port 8404, {@code /stats}, no CIDR list, no auth. */
    public static AdminConfig defaults() {
        return new AdminConfig(DEFAULT_ADDRESS, DEFAULT_PORT, DEFAULT_STATS_URI, List.of(), null, null);
    }

    /** The defaults on another port (0 in tests). */
    public static AdminConfig onPort(int port) {
        return new AdminConfig(DEFAULT_ADDRESS, port, DEFAULT_STATS_URI, List.of(), null, null);
    }

    public boolean authRequired() {
        return basicAuthUser != null;
    }

    List<Cidr> parsedCidrs() {
        return allowedCidrs.stream().map(Cidr::parse).toList();
    }
}
