package dev.tether.health.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.tether.health.HealthCheckConfig;
import dev.tether.health.PassiveHealthConfig;
import dev.tether.health.ServerHealth;
import dev.tether.health.ServerStateChange;
import dev.tether.health.TrafficOutcome;
import dev.tether.routing.config.ServerConfig;
import dev.tether.routing.model.Server;
import dev.tether.routing.model.ServerState;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HealthChecksIT {

    private EventLoopGroup group;
    private LeakLog leakLog;

    @BeforeEach
    void start() {
        leakLog = new LeakLog().start();
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    }

    @AfterEach
    void stop() throws InterruptedException {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        assertThat(leakLog.leaks()).as("Netty leak reports").isEmpty();
    }

    @Test
    void checksEveryEnabledBackendAndReportsOnlyRealChanges() throws Exception {
        TestBackend live = new TestBackend(group).start();
        TestBackend dead = new TestBackend(group).start();
        int deadPort = dead.port();
        dead.stop();
        TestBackend web = new TestBackend(group).start();
        List<Server> servers = List.of(
                new Server("api", ServerConfig.of("s1", "127.0.0.1", live.port()), ServerState.UP),
                new Server("api", ServerConfig.of("s2", "127.0.0.1", deadPort), ServerState.UP),
                new Server("web", ServerConfig.of("w1", "127.0.0.1", web.port()), ServerState.UP));
        HealthCheckConfig fast = new HealthCheckConfig(true, "HEAD", "/status", null,
                List.of(new HealthCheckConfig.StatusRange(200, 200)), Duration.ofMillis(100), Duration.ofMillis(50),
                Duration.ofMillis(100), Duration.ofSeconds(1), 2, 2);
        List<ServerStateChange> changes = new CopyOnWriteArrayList<>();

        HealthChecks checks = HealthChecks.start(servers,
                backend -> backend.equals("api") ? fast : HealthCheckConfig.disabled(),
                PassiveHealthConfig.defaults(), group, NioSocketChannel.class, changes::add);
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> !changes.isEmpty());
            await().atMost(Duration.ofSeconds(5)).until(() -> checks.lastResult("api/s1") != null);

            assertThat(changes).singleElement().satisfies(c -> {
                assertThat(c.server().id()).isEqualTo("api/s2");
                assertThat(c.to()).isEqualTo(ServerState.DOWN);
            });
            assertThat(checks.lastResult("api/s1").passed()).isTrue();
            assertThat(checks.statuses()).extracting(h -> h.server().id(), ServerHealth::state).containsExactly(
                    tuple("api/s1", ServerState.UP),
                    tuple("api/s2", ServerState.DOWN),
                    tuple("web/w1", ServerState.UP));
            assertThat(checks.lastResult("web/w1")).isNull();
            assertThat(web.seen()).as("requests to a backend with checks disabled").isEmpty();
            assertThat(checks.status("nope/x")).isNull();
            checks.observe("nope/x", TrafficOutcome.CONNECT_FAILURE); // ignored
        } finally {
            checks.stop();
            live.stop();
            web.stop();
        }
    }
}
