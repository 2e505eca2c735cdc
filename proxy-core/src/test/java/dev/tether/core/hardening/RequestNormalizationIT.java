package dev.tether.core.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.ProxyServer;
import dev.tether.core.testing.LeakCheck;
import dev.tether.core.testing.RawClient;
import dev.tether.core.testing.TestBackend;
import dev.tether.core.testing.TestProxy;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a server sees of requests Tether accepts: one normal form, Tether's own headers impossible to forge. */
@ExtendWith(LeakCheck.class)
class RequestNormalizationIT {

    private static final String H = "Host: tether.test\r\n";

    private TestBackend backend;
    private ProxyServer proxy;

    @BeforeEach
    void start() throws Exception {
        backend = new TestBackend("a");
        proxy = new TestProxy().backends(backend).start();
    }

    @AfterEach
    void stop() {
        proxy.stop(Duration.ZERO);
        backend.close();
    }

    private TestBackend.Seen exchange(String request) throws Exception {
        try (RawClient c = new RawClient(proxy.port())) {
            String response = c.send(request).readResponses(1);
            assertThat(response).startsWith("HTTP/1.1 200 ");
        }
        assertThat(backend.seen()).hasSize(1);
        return backend.seen().get(0);
    }

    @Test
    void pathIsNormalizedOnceBeforeRoutingAndForwarding() throws Exception {
        TestBackend.Seen seen = exchange("GET /a/./b/../%63//d?x=/../%2e HTTP/1.1\r\n" + H + "\r\n");
        assertThat(seen.uri()).isEqualTo("/a/c/d?x=/../%2e");
    }

    @Test
    void absoluteFormIsRoutedByItsAuthorityAndHostMadeToMatch() throws Exception {
        TestBackend.Seen seen = exchange("GET http://other.test:81/p?q=1 HTTP/1.1\r\n" + H + "\r\n");
        assertThat(seen.uri()).isEqualTo("/p?q=1");
        assertThat(seen.headers().getAll("Host")).containsExactly("other.test:81");
    }

    @Test
    void underscoreHeadersCannotAliasForwardingHeaders() throws Exception {
        TestBackend.Seen seen = exchange("GET /u HTTP/1.1\r\n" + H
                + "X_Forwarded_For: 6.6.6.6\r\nX_Forwarded_Proto: https\r\n\r\n");
        HttpHeaders h = seen.headers();
        assertThat(h.names()).noneMatch(n -> n.contains("_"));
        assertThat(h.getAll("X-Forwarded-For")).containsExactly("127.0.0.1");
        assertThat(h.getAll("X-Forwarded-Proto")).containsExactly("http");
    }

    @Test
    void connectionCannotRemoveHeadersTetherSets() throws Exception {
        TestBackend.Seen seen = exchange("GET /c HTTP/1.1\r\n" + H
                + "Connection: keep-alive, X-Forwarded-For, X-Forwarded-Host, X-Private\r\n"
                + "X-Private: secret\r\nX-Forwarded-For: 6.6.6.6\r\n\r\n");
        HttpHeaders h = seen.headers();
        assertThat(h.getAll("X-Forwarded-For")).containsExactly("127.0.0.1");
        assertThat(h.getAll("X-Forwarded-Host")).containsExactly("tether.test");
        assertThat(h.contains("X-Private")).isFalse();
    }

    @Test
    void onlyWebsocketIsEverUpgraded() throws Exception {
        TestBackend.Seen seen = exchange("GET /h2c HTTP/1.1\r\n" + H
                + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n");
        HttpHeaders h = seen.headers();
        assertThat(h.contains("Upgrade")).isFalse();
        assertThat(h.contains("HTTP2-Settings")).isFalse();
        assertThat(h.contains("Connection")).isFalse();
    }

    @Test
    void contentLengthIsForwardedInItsPlainForm() throws Exception {
        TestBackend.Seen seen = exchange("POST /cl HTTP/1.1\r\n" + H + "Content-Length: 005\r\n\r\nabcde");
        assertThat(seen.headers().get("Content-Length")).isEqualTo("5");
        assertThat(seen.bodyBytes()).isEqualTo(5);
    }

    @Test
    void chunkedIsCaseInsensitive() throws Exception {
        TestBackend.Seen seen = exchange("POST /te HTTP/1.1\r\n" + H
                + "Transfer-Encoding: CHUNKED\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
        assertThat(seen.bodyBytes()).isEqualTo(3);
    }

    @Test
    void higherMinorVersionIsServedAsHttp11() throws Exception {
        TestBackend.Seen seen = exchange("GET /v HTTP/1.2\r\n" + H + "\r\n");
        assertThat(seen.uri()).isEqualTo("/v");
    }

    @Test
    void asteriskIsForwardedForOptions() throws Exception {
        TestBackend.Seen seen = exchange("OPTIONS * HTTP/1.1\r\n" + H + "\r\n");
        assertThat(seen.method()).isEqualTo("OPTIONS");
        assertThat(seen.uri()).isEqualTo("*");
    }

    @Test
    void refusalWaitsForEarlierPipelinedResponsesAndStopsTheRest() throws Exception {
        String response;
        try (RawClient c = new RawClient(proxy.port())) {
            c.send("GET /first HTTP/1.1\r\n" + H + "\r\n"
                    + "GET /second HTTP/1.1\r\n" + H + "Host: evil.test\r\n\r\n"
                    + "GET /third HTTP/1.1\r\n" + H + "\r\n");
            response = c.readUntilClose();
        }
        assertThat(response).startsWith("HTTP/1.1 200 ");
        int refusal = response.indexOf("HTTP/1.1 400 ");
        assertThat(refusal).isPositive();
        assertThat(response.substring(0, refusal)).contains("a GET /first");
        assertThat(response.substring(refusal)).contains("only one Host header");
        assertThat(backend.count("/first")).isEqualTo(1);
        assertThat(backend.count("/second")).isZero();
        assertThat(backend.count("/third")).isZero();
    }
}
