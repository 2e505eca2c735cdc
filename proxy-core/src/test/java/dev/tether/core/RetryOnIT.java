package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.config.ConfigLoader;
import dev.tether.core.testing.LeakCheck;
import dev.tether.core.testing.TestBackend;
import dev.tether.core.testing.TestProxy;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code retry-on} from HOCON through the real proxy: a 503 is retried on another server for an idempotent
 * request, and relayed as it is for a POST, which every server counts exactly once.
 */
@ExtendWith(LeakCheck.class)
class RetryOnIT {

    private TestBackend a;
    private TestBackend b;
    private Tether tether;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void setUp() throws Exception {
        a = new TestBackend("a");
        b = new TestBackend("b");
        a.answerStatus.set(503);
    }

    @AfterEach
    void tearDown() {
        if (tether != null) {
            tether.stop();
        }
        a.close();
        b.close();
    }

    /** {@code balance = first}: every new request goes to a first; one retry, which redispatches (the last one). */
    private void start(String retryOn) throws InterruptedException {
        String conf = """
                tether {
                  admin.enabled = off
                  listeners = [ { name = http, address = "127.0.0.1", port = 0 } ]
                  backends.app {
                    balance = first
                    retries = 1
                    redispatch = on
                    %s
                    servers = [ { name = a, address = "127.0.0.1:%d" }, { name = b, address = "127.0.0.1:%d" } ]
                  }
                }
                """.formatted(retryOn, a.port(), b.port());
        tether = Tether.start(ConfigLoader.parse(conf, "retry-on.conf"));
    }

    private HttpResponse<String> send(String method, String body) throws Exception {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        return client.send(HttpRequest.newBuilder(TestProxy.uri(tether.server(), "/answer"))
                .method(method, publisher).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void getThatGot503IsRetriedOnAnotherServer() throws Exception {
        start("retry-on = [connect-failure, 503]");
        HttpResponse<String> r = send("GET", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("b GET /answer");
        assertThat(a.count("/answer")).isEqualTo(1);
        assertThat(b.count("/answer")).isEqualTo(1);
    }

    @Test
    void postThatGot503IsRelayedAndDeliveredOnce() throws Exception {
        start("retry-on = [connect-failure, 503]");
        HttpResponse<String> r = send("POST", "order=1");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).isEqualTo("a POST /answer");
        assertThat(a.count("/answer")).isEqualTo(1);
        assertThat(b.count("/answer")).isZero();
        assertThat(a.seen().get(0).bodyBytes()).isEqualTo(7);
    }

    @Test
    void withoutTheConditionA503IsRelayed() throws Exception {
        start("");
        HttpResponse<String> r = send("GET", null);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).isEqualTo("a GET /answer");
        assertThat(a.count("/answer")).isEqualTo(1);
        assertThat(b.count("/answer")).isZero();
    }

    @Test
    void whenEveryServerAnswers503TheLastAnswerIsRelayed() throws Exception {
        b.answerStatus.set(503);
        start("retry-on = [503]");
        HttpResponse<String> r = send("GET", null);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).isEqualTo("b GET /answer");
        assertThat(a.count("/answer")).isEqualTo(1);
        assertThat(b.count("/answer")).isEqualTo(1);
        // The exchange is over and both connections are usable again: a second request is served the same way.
        assertThat(send("GET", null).body()).isEqualTo("b GET /answer");
    }
}
