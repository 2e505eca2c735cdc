package dev.tether.health.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tether.health.HealthCheckConfig;
import dev.tether.health.HealthChecker;
import dev.tether.health.PassiveHealthConfig;
import dev.tether.health.ProbeFailure;
import dev.tether.health.ProbeResult;
import dev.tether.health.Scheduler;
import dev.tether.health.ServerStateChange;
import dev.tether.routing.config.ServerConfig;
import dev.tether.routing.model.Server;
import dev.tether.routing.model.ServerState;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Probes over NIO; {@link HttpHeadProberEpollIT} runs the same tests over native epoll. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpHeadProberIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private EventLoopGroup backendGroup;
    private EventLoopGroup group;
    private LeakLog leakLog;
    private boolean warm;
    private TestBackend backend;

    /** The probers' event loops. */
    EventLoopGroup newGroup() {
        return new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    Class<? extends SocketChannel> channelType() {
        return NioSocketChannel.class;
    }

    @BeforeAll
    void startGroups() {
        leakLog = new LeakLog().start();
        backendGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        group = newGroup();
    }

    @AfterAll
    void stopGroups() throws InterruptedException {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        backendGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        assertThat(leakLog.leaks()).as("Netty leak reports").isEmpty();
    }

    @BeforeEach
    void startBackend() throws Exception {
        backend = new TestBackend(backendGroup).start();
        if (!warm) {
            // The first exchange loads and links the HTTP codec classes, which under the paranoid leak detector
            // can take a good part of a probe timeout on a busy machine.
            probe(config("/status"), backend.port());
            backend.seen().clear();
            warm = true;
        }
    }

    @AfterEach
    void stopBackend() throws InterruptedException {
        backend.stop();
    }

    private static HealthCheckConfig config(String method, String path, String host, int expectFrom, int expectTo) {
        return new HealthCheckConfig(true, method, path, host,
                List.of(new HealthCheckConfig.StatusRange(expectFrom, expectTo)), Duration.ofMillis(100),
                Duration.ofMillis(50), Duration.ofMillis(100), TIMEOUT, 2, 2);
    }

    private static HealthCheckConfig config(String path) {
        return config("HEAD", path, null, 200, 299);
    }

    private Server server(int port) {
        return new Server("api", ServerConfig.of("s1", "127.0.0.1", port), ServerState.UP);
    }

    private ProbeResult probe(HealthCheckConfig config, int port) throws Exception {
        return new HttpHeadProber(group, channelType(), config).probe(server(port))
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void passesOn200AndSendsTheConfiguredRequest() throws Exception {
        ProbeResult r = probe(config("/status"), backend.port());

        assertThat(r.passed()).isTrue();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.duration()).isLessThan(TIMEOUT);
        assertThat(backend.seen()).containsExactly(new TestBackend.Seen(
                "HEAD", "/status", "127.0.0.1:" + backend.port(), "close", "tether-health-check"));
    }

    @Test
    void sendsTheConfiguredHostAndMethod() throws Exception {
        ProbeResult r = probe(config("GET", "/body", "api.example", 200, 200), backend.port());

        assertThat(r.passed()).isTrue();
        assertThat(backend.seen()).singleElement().satisfies(s -> {
            assertThat(s.method()).isEqualTo("GET");
            assertThat(s.host()).isEqualTo("api.example");
        });
    }

    @Test
    void failsWithBadStatusOn500UnlessExpected() throws Exception {
        ProbeResult r = probe(config("/error"), backend.port());
        assertThat(r.failure()).isEqualTo(ProbeFailure.BAD_STATUS);
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.describe()).isEqualTo("status 500");

        assertThat(probe(config("HEAD", "/error", null, 500, 599), backend.port()).passed()).isTrue();
    }

    @Test
    void waitsForTheFinalStatusAfterAnInterimOne() throws Exception {
        ProbeResult r = probe(config("GET", "/interim", null, 200, 299), backend.port());

        assertThat(r.passed()).isTrue();
        assertThat(r.status()).isEqualTo(204);
    }

    @Test
    void failsWithResponseTimeoutWhenTheServerHangs() throws Exception {
        ProbeResult r = probe(config("/hang"), backend.port());

        assertThat(r.failure()).isEqualTo(ProbeFailure.RESPONSE_TIMEOUT);
        assertThat(r.duration()).isBetween(TIMEOUT.minusMillis(50), TIMEOUT.plusSeconds(2));
    }

    @Test
    void failsWithResetWhenTheServerClosesWithoutAnswering() throws Exception {
        ProbeResult r = probe(config("/close"), backend.port());

        assertThat(r.failure()).isEqualTo(ProbeFailure.RESET);
    }

    @Test
    void failsWithRefusedWhenNothingListens() throws Exception {
        // A port that is bound but not listening refuses connections. A port just closed would not do: the probe's
        // own ephemeral source port can be that port, and a socket connected to itself answers (a reset, not a
        // refusal).
        ProbeResult r;
        try (Socket bound = new Socket()) {
            bound.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            r = probe(config("/status"), bound.getLocalPort());
        }

        assertThat(r.failure()).isEqualTo(ProbeFailure.REFUSED);
        assertThat(r.describe()).isEqualTo("connection refused");
    }

    @Test
    void failsWithConnectTimeoutWhenTheAcceptQueueIsFull() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        List<Socket> fillers = new ArrayList<>();
        try (ServerSocket full = new ServerSocket(0, 1, loopback)) {
            // Never accept: once the accept queue is full the kernel drops further SYNs, so connects time out.
            boolean saturated = false;
            for (int i = 0; i < 16 && !saturated; i++) {
                Socket s = new Socket();
                fillers.add(s);
                try {
                    s.connect(new InetSocketAddress(loopback, full.getLocalPort()), 200);
                } catch (SocketTimeoutException e) {
                    saturated = true;
                }
            }
            assumeTrue(saturated, "this kernel did not drop SYNs to a full accept queue");

            ProbeResult r = probe(config("/status"), full.getLocalPort());

            assertThat(r.failure()).isEqualTo(ProbeFailure.CONNECT_TIMEOUT);
            assertThat(r.duration()).isGreaterThanOrEqualTo(TIMEOUT.minusMillis(50));
        } finally {
            for (Socket s : fillers) {
                closeQuietly(s);
            }
        }
    }

    @Test
    void manyConcurrentProbesAllComplete() throws Exception {
        HealthCheckConfig relaxed = new HealthCheckConfig(true, "HEAD", "/status", null,
                List.of(new HealthCheckConfig.StatusRange(200, 200)), Duration.ofSeconds(2), Duration.ofSeconds(1),
                Duration.ofSeconds(2), Duration.ofSeconds(3), 2, 3);
        HttpHeadProber prober = new HttpHeadProber(group, channelType(), relaxed);
        List<CompletableFuture<ProbeResult>> all = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            all.add(prober.probe(server(backend.port())).toCompletableFuture());
        }
        CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);

        assertThat(all).allSatisfy(f -> assertThat(f.join().passed()).isTrue());
        assertThat(backend.seen()).hasSize(100);
    }

    @Test
    void aCheckerOnAnEventLoopTakesAStoppedServerDownAndBringsItBackWhenItRestarts() throws Exception {
        List<ServerStateChange> changes = new CopyOnWriteArrayList<>();
        HealthCheckConfig config = config("/status");
        HealthChecker checker = HealthChecker.start(List.of(server(backend.port())), config,
                PassiveHealthConfig.disabled(), new HttpHeadProber(group, channelType(), config),
                changes::add, Scheduler.of(group.next()), System::nanoTime, new Random());
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> checker.lastResult("api/s1") != null);
            assertThat(checker.lastResult("api/s1").passed()).isTrue();

            backend.stop();
            await().atMost(Duration.ofSeconds(5)).until(() -> changes.size() == 1);
            assertThat(changes.get(0).to()).isEqualTo(ServerState.DOWN);
            assertThat(changes.get(0).cause()).isEqualTo("2 failed checks (connection refused)");

            backend.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> changes.size() == 2);
            assertThat(changes.get(1).to()).isEqualTo(ServerState.UP);
        } finally {
            checker.stop();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // test cleanup
        }
    }
}
