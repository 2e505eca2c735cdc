package dev.tether.core.testing;

import dev.tether.core.ProxyServer;
import dev.tether.core.Tether;
import dev.tether.core.config.BackendTimeouts;
import dev.tether.core.config.ListenerConfig;
import dev.tether.core.config.ProxyConfig;
import dev.tether.core.log.ExchangeListener;
import dev.tether.health.HealthCheckConfig;
import dev.tether.routing.config.BackendConfig;
import dev.tether.routing.config.BalanceAlgorithm;
import dev.tether.routing.config.RouteConfig;
import dev.tether.routing.config.RoutingConfig;
import dev.tether.routing.config.ServerConfig;
import dev.tether.routing.config.StickTableConfig;
import dev.tether.routing.config.StickyCookieConfig;
import dev.tether.routing.redispatch.RetryOn;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds a {@link ProxyServer} on 127.0.0.1 port 0 in front of test backends; every knob has a test-friendly default. */
public final class TestProxy {

    public final List<ServerConfig> servers = new ArrayList<>();
    public final List<RouteConfig> routes = new ArrayList<>();
    public ListenerConfig listener = ListenerConfig.of("http", "127.0.0.1", 0);
    public BackendTimeouts timeouts = BackendTimeouts.defaults();
    public HealthCheckConfig health = HealthCheckConfig.disabled();
    public StickyCookieConfig cookie;
    public StickTableConfig stickTable;
    public BalanceAlgorithm balance = BalanceAlgorithm.ROUND_ROBIN;
    public int retries = 3;
    public boolean redispatch = true;
    public Duration drain = Duration.ofSeconds(5);
    public ExchangeListener events = ExchangeListener.NONE;

    public TestProxy backends(TestBackend... backends) {
        for (TestBackend b : backends) {
            servers.add(ServerConfig.of(b.name(), "127.0.0.1", b.port()));
        }
        return this;
    }

    public ProxyConfig config() {
        BackendConfig backend = new BackendConfig("app", balance, servers, cookie, retries, redispatch, RetryOn.DEFAULT,
                stickTable);
        RoutingConfig routing = new RoutingConfig(routes, List.of(backend), "app");
        return new ProxyConfig(List.of(listener), routing, Map.of("app", timeouts), Map.of("app", health), 2, drain,
                "test");
    }

    public ProxyServer start() throws InterruptedException {
        return new ProxyServer(config(), events).start();
    }

    /** The proxy with its health checkers, as {@code tether FILE} runs it. */
    public Tether startTether() throws InterruptedException {
        return Tether.start(config(), events);
    }

    public static URI uri(ProxyServer proxy, String path) {
        return URI.create("http://127.0.0.1:" + proxy.port() + path);
    }
}
