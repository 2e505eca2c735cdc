package dev.tether.core.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.ProxyServer;
import dev.tether.core.testing.LeakCheck;
import dev.tether.core.testing.RawClient;
import dev.tether.core.testing.TestBackend;
import dev.tether.core.testing.TestProxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 9, "Requests": every framing attack gets its exact status, the connection is closed, and neither the
 * attack nor a request smuggled behind it reaches a server as a complete request.
 *
 * <p>Each case sends the hostile request and, in the same write, a well-formed {@code GET /smuggled-N}: a proxy
 * that misreads the framing would forward that second request.
 */
@ExtendWith(LeakCheck.class)
class RequestSmugglingIT {

    private static final String H = "Host: tether.test\r\n";
    private static final AtomicInteger CASE = new AtomicInteger();
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] \\d{3} [A-Z]");

    private static TestBackend backend;
    private static ProxyServer proxy;

    @BeforeAll
    static void start() throws Exception {
        backend = new TestBackend("a");
        proxy = new TestProxy().backends(backend).start();
    }

    @AfterAll
    static void stop() {
        proxy.stop(Duration.ZERO);
        backend.close();
    }

    static Stream<Arguments> attacks() {
        return Stream.of(
                // Content-Length and Transfer-Encoding conflicts.
                attack("CL.TE", 400, "POST /bad HTTP/1.1\r\n" + H
                        + "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG"),
                attack("TE.CL", 400, "POST /bad HTTP/1.1\r\n" + H
                        + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n"),
                attack("two different Content-Lengths", 400, "POST /bad HTTP/1.1\r\n" + H
                        + "Content-Length: 3\r\nContent-Length: 5\r\n\r\nabcde"),
                attack("repeated Content-Length", 400, "POST /bad HTTP/1.1\r\n" + H
                        + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nabcde"),
                attack("list-valued Content-Length", 400, "POST /bad HTTP/1.1\r\n" + H
                        + "Content-Length: 5, 5\r\n\r\nabcde"),
                attack("Content-Length with +", 400, "POST /bad HTTP/1.1\r\n" + H + "Content-Length: +5\r\n\r\nabcde"),
                attack("Content-Length with -", 400, "POST /bad HTTP/1.1\r\n" + H + "Content-Length: -5\r\n\r\nabcde"),
                attack("Content-Length decimal", 400, "POST /bad HTTP/1.1\r\n" + H
                        + "Content-Length: 5.0\r\n\r\nabcde"),
                attack("Content-Length with inner space", 400, "POST /bad HTTP/1.1\r\n" + H
                        + "Content-Length: 5 5\r\n\r\nabcde"),
                attack("Content-Length 2^64+5", 400, "POST /bad HTTP/1.1\r\n" + H
                        + "Content-Length: 18446744073709551621\r\n\r\nabcde"),
                attack("Content-Length hex", 400, "POST /bad HTTP/1.1\r\n" + H + "Content-Length: 0x5\r\n\r\nabcde"),
                // Transfer-Encoding obfuscation.
                attack("TE chunked not last", 400, "POST /bad HTTP/1.1\r\n" + H
                        + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"),
                attack("TE chunked twice in a list", 400, "POST /bad HTTP/1.1\r\n" + H
                        + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n"),
                attack("TE chunked twice as headers", 400, "POST /bad HTTP/1.1\r\n" + H
                        + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                attack("TE xchunked", 400, "POST /bad HTTP/1.1\r\n" + H
                        + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"),
                attack("TE quoted", 400, "POST /bad HTTP/1.1\r\n" + H
                        + "Transfer-Encoding: \"chunked\"\r\n\r\n0\r\n\r\n"),
                attack("TE with parameter", 400, "POST /bad HTTP/1.1\r\n" + H
                        + "Transfer-Encoding: chunked;q=1\r\n\r\n0\r\n\r\n"),
                attack("TE space before colon", 400, "POST /bad HTTP/1.1\r\n" + H
                        + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n"),
                attack("TE obs-fold", 400, "POST /bad HTTP/1.1\r\n" + H
                        + "Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n"),
                attack("TE vertical tab", 400, "POST /bad HTTP/1.1\r\n" + H
                        + "Transfer-Encoding: \u000bchunked\r\n\r\n0\r\n\r\n"),
                attack("TE empty element", 400, "POST /bad HTTP/1.1\r\n" + H
                        + "Transfer-Encoding: ,chunked\r\n\r\n0\r\n\r\n"),
                attack("TE unknown coding", 501, "POST /bad HTTP/1.1\r\n" + H
                        + "Transfer-Encoding: foo, chunked\r\n\r\n0\r\n\r\n"),
                attack("TE gzip then chunked", 501, "POST /bad HTTP/1.1\r\n" + H
                        + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"),
                attack("TE on HTTP/1.0", 400, "POST /bad HTTP/1.0\r\n" + H
                        + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                // Chunked body framing (the head already went to the server; the body never completes there).
                attack("chunk size not hex", 400, "POST /bad HTTP/1.1\r\n" + H
                        + "Transfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n"),
                attack("chunk size 0x", 400, "POST /bad HTTP/1.1\r\n" + H
                        + "Transfer-Encoding: chunked\r\n\r\n0x2\r\nab\r\n0\r\n\r\n"),
                attack("chunk size overflow", 400, "POST /bad HTTP/1.1\r\n" + H
                        + "Transfer-Encoding: chunked\r\n\r\n10000000000000002\r\nab\r\n0\r\n\r\n"),
                attack("chunk size of 17 digits", 400, "POST /bad HTTP/1.1\r\n" + H
                        + "Transfer-Encoding: chunked\r\n\r\n00000000000000002\r\nab\r\n0\r\n\r\n"),
                attack("chunk size negative", 400, "POST /bad HTTP/1.1\r\n" + H
                        + "Transfer-Encoding: chunked\r\n\r\n-2\r\nab\r\n0\r\n\r\n"),
                attack("chunk data without CRLF", 400, "POST /bad HTTP/1.1\r\n" + H
                        + "Transfer-Encoding: chunked\r\n\r\n2\r\nabXX0\r\n\r\n"),
                attack("LF in chunk extension", 400, "POST /bad HTTP/1.1\r\n" + H
                        + "Transfer-Encoding: chunked\r\n\r\n2;a\nb\r\nab\r\n0\r\n\r\n"),
                attack("CR in chunk extension", 400, "POST /bad HTTP/1.1\r\n" + H
                        + "Transfer-Encoding: chunked\r\n\r\n2;a\rb\r\nab\r\n0\r\n\r\n"),
                attack("chunk lines with bare LF", 400, "POST /bad HTTP/1.1\r\n" + H
                        + "Transfer-Encoding: chunked\r\n\r\n2\nab\n0\n\n"),
                // Header syntax.
                attack("CR in header value", 400, "GET /bad HTTP/1.1\r\n" + H + "X-A: a\rb\r\n\r\n"),
                attack("NUL in header value", 400, "GET /bad HTTP/1.1\r\n" + H + "X-A: a\0b\r\n\r\n"),
                attack("bare LF ends a header", 400, "GET /bad HTTP/1.1\r\n" + H + "X-A: a\nX-B: b\r\n\r\n"),
                attack("control byte in header value", 400, "GET /bad HTTP/1.1\r\n" + H + "X-A: a\u0001b\r\n\r\n"),
                attack("space in header name", 400, "GET /bad HTTP/1.1\r\n" + H + "X A: b\r\n\r\n"),
                attack("brackets in header name", 400, "GET /bad HTTP/1.1\r\n" + H + "[X]: b\r\n\r\n"),
                attack("control byte in header name", 400, "GET /bad HTTP/1.1\r\n" + H + "X\u0001A: b\r\n\r\n"),
                attack("header without colon", 400, "GET /bad HTTP/1.1\r\n" + H + "X-A\r\n\r\n"),
                attack("empty header name", 400, "GET /bad HTTP/1.1\r\n" + H + ": b\r\n\r\n"),
                attack("whitespace before the first header", 400, "GET /bad HTTP/1.1\r\n Host: tether.test\r\n\r\n"),
                attack("obs-fold", 400, "GET /bad HTTP/1.1\r\n" + H + "X-A: a\r\n b\r\n\r\n"),
                attack("obs-fold with a tab", 400, "GET /bad HTTP/1.1\r\n" + H + "X-A: a\r\n\tb\r\n\r\n"),
                // Host.
                attack("missing Host on HTTP/1.1", 400, "GET /bad HTTP/1.1\r\n\r\n"),
                attack("refused with Expect: 100-continue gets no 100", 400, "POST /bad HTTP/1.1\r\n" + H + H
                        + "Expect: 100-continue\r\nContent-Length: 5\r\n\r\n"),
                attack("two Host headers", 400, "GET /bad HTTP/1.1\r\n" + H + "Host: other.test\r\n\r\n"),
                attack("Host with a space", 400, "GET /bad HTTP/1.1\r\nHost: a b\r\n\r\n"),
                attack("Host with userinfo", 400, "GET /bad HTTP/1.1\r\nHost: user@tether.test\r\n\r\n"),
                attack("Host with a bad port", 400, "GET /bad HTTP/1.1\r\nHost: tether.test:80x\r\n\r\n"),
                attack("Host empty", 400, "GET /bad HTTP/1.1\r\nHost: \r\n\r\n"),
                attack("absolute-form with userinfo", 400, "GET http://user@tether.test/bad HTTP/1.1\r\n" + H + "\r\n"),
                // Request line.
                attack("* for GET", 400, "GET * HTTP/1.1\r\n" + H + "\r\n"),
                attack("relative target", 400, "GET bad HTTP/1.1\r\n" + H + "\r\n"),
                attack("ftp target", 400, "GET ftp://tether.test/bad HTTP/1.1\r\n" + H + "\r\n"),
                attack("fragment in target", 400, "GET /bad#x HTTP/1.1\r\n" + H + "\r\n"),
                attack("control byte in target", 400, "GET /b\u0001ad HTTP/1.1\r\n" + H + "\r\n"),
                attack("non-ASCII in target", 400, "GET /b\u00e9ad HTTP/1.1\r\n" + H + "\r\n"),
                attack("malformed percent-escape", 400, "GET /bad%zz HTTP/1.1\r\n" + H + "\r\n"),
                attack("HTTP/0.9", 400, "GET /bad\r\n\r\n"),
                attack("HTTP/2.0", 505, "GET /bad HTTP/2.0\r\n" + H + "\r\n"),
                attack("HTTP/9.9", 505, "GET /bad HTTP/9.9\r\n" + H + "\r\n"),
                attack("HTTP/1.01", 400, "GET /bad HTTP/1.01\r\n" + H + "\r\n"),
                attack("HTTP/11", 400, "GET /bad HTTP/11\r\n" + H + "\r\n"),
                attack("FOO/1.1", 400, "GET /bad FOO/1.1\r\n" + H + "\r\n"),
                attack("two spaces in the request line", 400, "GET  /bad HTTP/1.1\r\n" + H + "\r\n"),
                attack("tab in the request line", 400, "GET\t/bad HTTP/1.1\r\n" + H + "\r\n"),
                attack("lower-case version", 400, "GET /bad http/1.1\r\n" + H + "\r\n"),
                attack("bad method character", 400, "G(T /bad HTTP/1.1\r\n" + H + "\r\n"),
                attack("space in target", 400, "GET /b ad HTTP/1.1\r\n" + H + "\r\n"),
                attack("bare LF line endings", 400, "GET /bad HTTP/1.1\nHost: tether.test\n\n"),
                attack("underscore header when refused is not the default", 200,
                        "GET /fine HTTP/1.1\r\n" + H + "X_Forwarded_For: 6.6.6.6\r\nConnection: close\r\n\r\n"));
    }

    private static Arguments attack(String name, int status, String request) {
        return Arguments.of(name, status, request);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("attacks")
    void attackIsRefusedAndNothingIsSmuggled(String name, int status, String request) throws Exception {
        String smuggled = "/smuggled-" + CASE.incrementAndGet();
        String response;
        try (RawClient c = new RawClient(proxy.port())) {
            c.send(request + "GET " + smuggled + " HTTP/1.1\r\n" + H + "\r\n");
            response = c.readUntilClose();
        }
        assertThat(response).as(name).startsWith("HTTP/1.1 " + status + " ").containsIgnoringCase("connection: close");
        assertThat(STATUS_LINE.matcher(response).results().count()).as("exactly one response").isEqualTo(1);
        assertThat(backend.count(smuggled)).as("smuggled request reached the server").isZero();
        if (status != 200) {
            assertThat(backend.seen()).as("a complete refused request reached the server")
                    .noneMatch(s -> s.uri().contains("bad"));
        }
    }

    static Stream<Arguments> afterAGoodRequest() {
        return Stream.of(
                attack("obs-fold in a second request", 400, "GET /first HTTP/1.1\r\n" + H + "\r\n"
                        + "GET /refused HTTP/1.1\r\n" + H + "X-A: a\r\n b\r\n\r\n"),
                // The body holds what looks like a folded line: only the head after it is refused.
                attack("obs-fold after a body", 400, "POST /first HTTP/1.1\r\n" + H + "Content-Length: 5\r\n\r\n"
                        + "\r\n x\n" + "GET /refused HTTP/1.1\r\n" + H + "X-A: a\r\n b\r\n\r\n"),
                attack("obs-fold after a chunked body", 400, "POST /first HTTP/1.1\r\n" + H
                        + "Transfer-Encoding: chunked\r\n\r\n5;x=y\r\n\r\n x\n\r\n0\r\nX-T: 1\r\n\r\n"
                        + "GET /refused HTTP/1.1\r\n" + H + "X-A: a\r\n b\r\n\r\n"),
                attack("two Hosts in a second request", 400, "GET /first HTTP/1.1\r\n" + H + "\r\n"
                        + "GET /refused HTTP/1.1\r\n" + H + H + "\r\n"),
                attack("HTTP/2.0 in a second request", 505, "GET /first HTTP/1.1\r\n" + H + "\r\n"
                        + "GET /refused HTTP/2.0\r\n" + H + "\r\n"));
    }

    @ParameterizedTest(name = "{0} -> 200 then {1}")
    @MethodSource("afterAGoodRequest")
    void refusalComesAfterTheEarlierAnswerAndEndsTheConnection(String name, int status, String request)
            throws Exception {
        String smuggled = "/smuggled-" + CASE.incrementAndGet();
        int firstBefore = backend.count("/first");
        String response;
        try (RawClient c = new RawClient(proxy.port())) {
            c.send(request + "GET " + smuggled + " HTTP/1.1\r\n" + H + "\r\n");
            response = c.readUntilClose();
        }
        assertThat(response).as(name).startsWith("HTTP/1.1 200 ");
        assertThat(STATUS_LINE.matcher(response).results().count()).as("two responses").isEqualTo(2);
        assertThat(response.substring(response.indexOf("HTTP/1.1 ", 1))).startsWith("HTTP/1.1 " + status + " ")
                .containsIgnoringCase("connection: close");
        assertThat(backend.count("/first")).isEqualTo(firstBefore + 1);
        assertThat(backend.count("/refused")).isZero();
        assertThat(backend.count(smuggled)).isZero();
    }
}
