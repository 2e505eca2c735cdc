package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.config.BackendTimeouts;
import dev.tether.core.testing.LeakCheck;
import dev.tether.core.testing.TestBackend;
import dev.tether.core.testing.TestProxy;
import dev.tether.routing.config.ServerConfig;
import dev.tether.routing.model.ServerState;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** timeout queue and max-conn: requests wait for a server instead of failing, up to the queue timeout. */
@ExtendWith(LeakCheck.class)
class QueueIT {

    private TestBackend a;
    private ProxyServer proxy;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void setUp() throws Exception {
        a = new TestBackend("a");
    }

    @AfterEach
    void tearDown() {
        if (proxy != null) {
            proxy.stop(Duration.ZERO);
        }
        a.close();
    }

    private static BackendTimeouts queue(Duration queue) {
        return BackendTimeouts.defaults().withQueue(queue);
    }

    private CompletableFuture<HttpResponse<String>> send(String path) {
        return client.sendAsync(HttpRequest.newBuilder(TestProxy.uri(proxy, path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void queuedRequestIsServedWhenAServerComesBack() throws Exception {
        TestProxy p = new TestProxy().backends(a);
        p.timeouts = queue(Duration.ofSeconds(10));
        proxy = p.start();
        proxy.tables().setServerState("app", "a", ServerState.DOWN);
        CompletableFuture<HttpResponse<String>> waiting = send("/waited");
        Thread.sleep(300);
        assertThat(waiting).isNotDone();
        assertThat(a.count("/waited")).isZero();
        proxy.tables().setServerState("app", "a", ServerState.UP);
        HttpResponse<String> r = waiting.get(5, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(a.count("/waited")).isEqualTo(1);
    }

    @Test
    void aQueuedPostKeepsItsBodyAndTheConnectionStaysUsable() throws Exception {
        TestProxy p = new TestProxy().backends(a);
        p.timeouts = queue(Duration.ofSeconds(10));
        proxy = p.start();
        proxy.tables().setServerState("app", "a", ServerState.DOWN);
        CompletableFuture<HttpResponse<String>> waiting = client.sendAsync(
                HttpRequest.newBuilder(TestProxy.uri(proxy, "/upload"))
                        .POST(HttpRequest.BodyPublishers.ofString("x".repeat(5000))).build(),
                HttpResponse.BodyHandlers.ofString());
        Thread.sleep(300);
        proxy.tables().setServerState("app", "a", ServerState.UP);
        HttpResponse<String> r = waiting.get(5, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("bytes=5000 ");
        // The pooled server connection is in a clean state for the next requests.
        for (int i = 0; i < 3; i++) {
            assertThat(send("/after").get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        assertThat(a.connections()).isEqualTo(1);
    }

    @Test
    void queueTimeoutGives503() throws Exception {
        TestProxy p = new TestProxy().backends(a);
        p.timeouts = queue(Duration.ofMillis(300));
        proxy = p.start();
        proxy.tables().setServerState("app", "a", ServerState.DOWN);
        long t0 = System.nanoTime();
        HttpResponse<String> r = send("/never").get(5, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("queue timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(290));
        assertThat(a.count("/never")).isZero();
    }

    @Test
    void maxConnQueuesExcessRequestsInsteadOfFailingThem() throws Exception {
        TestProxy p = new TestProxy();
        p.servers.add(new ServerConfig("a", "127.0.0.1", a.port(), 1, false, 2));
        p.timeouts = queue(Duration.ofSeconds(20));
        proxy = p.start();
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            all.add(send("/delay?ms=150&i=" + i));
        }
        for (CompletableFuture<HttpResponse<String>> f : all) {
            assertThat(f.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        assertThat(a.count("/delay")).isEqualTo(8);
        assertThat(a.maxConcurrentDelays.get()).isEqualTo(2);
    }
}
