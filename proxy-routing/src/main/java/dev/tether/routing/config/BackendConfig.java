package dev.tether.routing.config;

import dev.tether.routing.redispatch.RetryOn;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A named group of servers that serve the same application.
 *
 * @param name unique backend name
 * @param balance how new sessions are spread
 * @param servers at least one; names unique within the backend
 * @param cookie cookie persistence, or {@code null} for none
 * @param retries extra attempts after a failed one (HAProxy's {@code retries}), 0..10
 * @param redispatch whether a retry, and a sticky request whose server is unusable, may go to another server
 * @param retryOn the failures a request may be retried after once its bytes were sent (HAProxy's {@code retry-on});
 *     see {@link dev.tether.routing.redispatch.RedispatchPolicy}
 * @param stickTable keeps clients without a usable cookie on one server by a request key, or {@code null} for none
 * @param drainIdle a sticky session of a server in {@code DRAIN} that was idle for longer moves on its next request
 *     (insert-mode cookies, whose dates tell idleness); {@code Duration.ZERO} keeps every session on its draining
 *     server
 */
public record BackendConfig(
        String name,
        BalanceAlgorithm balance,
        List<ServerConfig> servers,
        StickyCookieConfig cookie,
        int retries,
        boolean redispatch,
        Set<RetryOn> retryOn,
        StickTableConfig stickTable,
        Duration drainIdle) {

    public BackendConfig {
        ServerConfig.requireText(name, "backend name");
        if (balance == null) {
            throw new IllegalArgumentException("backend " + name + ": balance must be set");
        }
        servers = List.copyOf(servers);
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("backend " + name + ": needs at least one server");
        }
        Set<String> seen = new HashSet<>();
        for (ServerConfig s : servers) {
            if (!seen.add(s.name())) {
                throw new IllegalArgumentException("backend " + name + ": duplicate server name " + s.name());
            }
        }
        if (retries < 0 || retries > 10) {
            throw new IllegalArgumentException("backend " + name + ": retries = " + retries + " (expected 0..10)");
        }
        retryOn = retryOn == null ? RetryOn.DEFAULT : retryOn.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(retryOn));
        if (stickTable != null && cookie != null && stickTable.source() == StickTableConfig.Source.COOKIE
                && stickTable.name().equals(cookie.name())) {
            throw new IllegalArgumentException("backend " + name + ": stick-table.on = " + stickTable.on()
                    + " reads the backend's own sticky cookie, which already keeps sessions on their server; key the"
                    + " table on another cookie, a header or the source address");
        }
        drainIdle = drainIdle == null ? Duration.ZERO : drainIdle;
        if (drainIdle.isNegative()) {
            throw new IllegalArgumentException("backend " + name + ": drain-idle-timeout = " + drainIdle
                    + " (expected 0s or more)");
        }
    }

    /** A backend whose draining servers keep every sticky session. */
    public BackendConfig(
            String name,
            BalanceAlgorithm balance,
            List<ServerConfig> servers,
            StickyCookieConfig cookie,
            int retries,
            boolean redispatch,
            Set<RetryOn> retryOn,
            StickTableConfig stickTable) {
        this(name, balance, servers, cookie, retries, redispatch, retryOn, stickTable, Duration.ZERO);
    }

    /** A backend without a stick table. */
    public BackendConfig(
            String name,
            BalanceAlgorithm balance,
            List<ServerConfig> servers,
            StickyCookieConfig cookie,
            int retries,
            boolean redispatch,
            Set<RetryOn> retryOn) {
        this(name, balance, servers, cookie, retries, redispatch, retryOn, null);
    }

    /** A backend that retries connect failures only ({@link RetryOn#DEFAULT}). */
    public BackendConfig(
            String name,
            BalanceAlgorithm balance,
            List<ServerConfig> servers,
            StickyCookieConfig cookie,
            int retries,
            boolean redispatch) {
        this(name, balance, servers, cookie, retries, redispatch, RetryOn.DEFAULT);
    }

    /** This backend with other servers and every other setting kept. */
    public BackendConfig withServers(List<ServerConfig> replacement) {
        return new BackendConfig(name, balance, replacement, cookie, retries, redispatch, retryOn, stickTable,
                drainIdle);
    }

    /** The server with this name, or {@code null}. */
    public ServerConfig server(String serverName) {
        for (ServerConfig s : servers) {
            if (s.name().equals(serverName)) {
                return s;
            }
        }
        return null;
    }
}
