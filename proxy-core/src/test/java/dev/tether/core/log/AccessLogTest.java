package dev.tether.core.log;

import static dev.tether.core.log.Exchanges.exchange;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tether.core.admin.JsonReader;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class AccessLogTest {

    @Test
    void writesTheDocumentedFormat() {
        ExchangeRecord r = exchange().client("10.1.2.3", 50412).start(1_795_827_129_123L).listener("main")
                .to("api", "s1").requestRead(2_300_000).timers(0, 1_200_000, 12_900_000, 15_000_000).status(200)
                .bytes(0, 5120)
                .termination(TerminationState.NORMAL).cookie("VALID", false).reason("STICKY_COOKIE").attempts(1)
                .method("GET").uri("/project/42?x=1").build();

        assertThat(AccessLog.format(r)).isEqualTo("10.1.2.3:50412 [28/Nov/2026:00:52:09.123] main api/s1 2/0/1/12/15 "
                + "200 0/5120 -- VALID/- STICKY_COOKIE 1 \"GET /project/42?x=1\"");
    }

    static Stream<Arguments> records() {
        return Stream.of(
                Arguments.of("a sticky GET", exchange().reason("STICKY_COOKIE").cookie("VALID", false)
                        .requestRead(150_000).build()),
                Arguments.of("a slow request head", exchange().requestRead(4_999_000_000L).build()),
                Arguments.of("a new session that got its cookie",
                        exchange().cookie("NONE", true).bytes(12, 3400).method("POST").uri("/login").build()),
                Arguments.of("a local 404 without backend",
                        exchange().to(null, null).status(404).attempts(0).reason("NO_ROUTE")
                                .timers(-1, -1, 300_000, 400_000).termination(TerminationState.PROXY_LOCAL).build()),
                Arguments.of("a client abort before any status",
                        exchange().status(-1).timers(-1, -1, -1, 2_000_000_000L)
                                .termination(TerminationState.CLIENT_ABORT_DATA).build()),
                Arguments.of("a redispatched connect failure",
                        exchange().status(503).attempts(3).reason("REDISPATCHED").cookie("SERVER_DOWN", true)
                                .termination(TerminationState.SERVER_CONNECT).build()),
                Arguments.of("an IPv6 client", exchange().client("::1", 1).build()),
                Arguments.of("a uri with quotes, backslashes, spaces and control characters",
                        exchange().uri("/a \"b\"\\c\td\u0001e\u007f/\u00e9").build()),
                Arguments.of("an empty uri", exchange().uri("").build()),
                Arguments.of("a websocket upgrade",
                        exchange().status(101).tunnel(true).termination(TerminationState.TUNNEL_TIMEOUT).build()),
                Arguments.of("a date before 1970 and a long request",
                        exchange().start(-1L).timers(123_456_789_000L, 0, 0, 999_999_999_999L).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("records")
    void linesParseBackIntoTheirFields(String name, ExchangeRecord r) {
        String line = AccessLog.format(r);
        AccessLogLine parsed = AccessLogLine.parse(line);

        assertThat(line).doesNotContain("\n").doesNotContain("\t");
        assertThat(parsed.clientAddress()).isEqualTo(r.clientAddress());
        assertThat(parsed.clientPort()).isEqualTo(r.clientPort());
        assertThat(parsed.startEpochMillis()).isEqualTo(r.startEpochMillis());
        assertThat(parsed.listener()).isEqualTo(r.listener());
        assertThat(parsed.backend()).isEqualTo(r.backend());
        assertThat(parsed.server()).isEqualTo(r.server());
        assertThat(parsed.requestReadMillis()).isEqualTo(millis(r.requestReadNanos()));
        assertThat(parsed.queueMillis()).isEqualTo(millis(r.queueNanos()));
        assertThat(parsed.connectMillis()).isEqualTo(millis(r.connectNanos()));
        assertThat(parsed.responseMillis()).isEqualTo(millis(r.responseNanos()));
        assertThat(parsed.totalMillis()).isEqualTo(millis(r.totalNanos()));
        assertThat(parsed.status()).isEqualTo(r.status());
        assertThat(parsed.bytesIn()).isEqualTo(r.bytesIn());
        assertThat(parsed.bytesOut()).isEqualTo(r.bytesOut());
        assertThat(parsed.terminationState()).isEqualTo(r.termination());
        assertThat(parsed.cookieStatus()).isEqualTo(r.cookieStatus());
        assertThat(parsed.cookieSet()).isEqualTo(r.cookieSet());
        assertThat(parsed.reason()).isEqualTo(r.reason());
        assertThat(parsed.attempts()).isEqualTo(r.attempts());
        assertThat(parsed.method()).isEqualTo(r.method());
        assertThat(parsed.uri()).isEqualTo(r.uri());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("records")
    void jsonLinesParseBackIntoTheirFields(String name, ExchangeRecord r) {
        String line = AccessLog.json(r);

        assertThat(line).doesNotContain("\n");
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) JsonReader.parse(line);
        assertThat(Instant.parse((String) json.get("time")).toEpochMilli()).isEqualTo(r.startEpochMillis());
        assertThat(json.get("client")).isEqualTo(r.clientAddress());
        assertThat(json.get("clientPort")).isEqualTo((double) r.clientPort());
        assertThat(json.get("listener")).isEqualTo(r.listener());
        assertThat(json.get("backend")).isEqualTo(r.backend());
        assertThat(json.get("server")).isEqualTo(r.server());
        assertThat(json.get("requestReadMs")).isEqualTo((double) millis(r.requestReadNanos()));
        assertThat(json.get("queueMs")).isEqualTo((double) millis(r.queueNanos()));
        assertThat(json.get("connectMs")).isEqualTo((double) millis(r.connectNanos()));
        assertThat(json.get("responseMs")).isEqualTo((double) millis(r.responseNanos()));
        assertThat(json.get("totalMs")).isEqualTo((double) millis(r.totalNanos()));
        assertThat(json.get("status")).isEqualTo((double) r.status());
        assertThat(json.get("bytesIn")).isEqualTo((double) r.bytesIn());
        assertThat(json.get("bytesOut")).isEqualTo((double) r.bytesOut());
        assertThat(json.get("termination")).isEqualTo(r.termination().code());
        assertThat(json.get("cookie")).isEqualTo(r.cookieStatus());
        assertThat(json.get("cookieSet")).isEqualTo(r.cookieSet());
        assertThat(json.get("reason")).isEqualTo(r.reason());
        assertThat(json.get("attempts")).isEqualTo((double) r.attempts());
        assertThat(json.get("method")).isEqualTo(r.method());
        assertThat(json.get("uri")).isEqualTo(r.uri());
        assertThat(json.get("tunnel")).isEqualTo(r.tunnel());
    }

    @Test
    void theFormatIsChosenByName() {
        assertThat(AccessLog.Format.parse("json")).isEqualTo(AccessLog.Format.JSON);
        assertThat(AccessLog.Format.parse(" HAProxy ")).isEqualTo(AccessLog.Format.HAPROXY);
        assertThatThrownBy(() -> AccessLog.Format.parse("clf"))
                .hasMessage("tether.access.format = clf (expected haproxy or json)");
    }

    @Test
    void linesWrittenBeforeTqWasLoggedStillParse() {
        AccessLogLine old = AccessLogLine.parse("10.1.2.3:50412 [28/Nov/2026:00:52:09.123] main api/s1 0/1/12/15 "
                + "200 0/5120 -- VALID/- STICKY_COOKIE 1 \"GET /project/42?x=1\"");

        assertThat(old.requestReadMillis()).isEqualTo(-1);
        assertThat(old.queueMillis()).isZero();
        assertThat(old.connectMillis()).isEqualTo(1);
        assertThat(old.responseMillis()).isEqualTo(12);
        assertThat(old.totalMillis()).isEqualTo(15);
    }

    @Test
    void namesWithWhitespaceStayOneField() {
        ExchangeRecord r = exchange().listener("public web").to("my api", "s 1").reason(null).build();

        AccessLogLine parsed = AccessLogLine.parse(AccessLog.format(r));

        assertThat(parsed.listener()).isEqualTo("public_web");
        assertThat(parsed.backend()).isEqualTo("my_api");
        assertThat(parsed.server()).isEqualTo("s_1");
        assertThat(parsed.reason()).isEqualTo("-");
    }

    @Test
    void writesOneLinePerExchangeToTheAccessLogger() {
        Logger logger = ((LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory()).getLogger(AccessLog.LOGGER);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        Level level = logger.getLevel();
        logger.setLevel(Level.INFO); // logback-test.xml turns access lines off
        try {
            AccessLog log = new AccessLog();
            log.exchangeFinished(exchange().uri("/one").build());
            log.exchangeFinished(exchange().uri("/two").status(502).build());
            log.clientConnectionOpened("main");

            assertThat(lines.list).extracting(e -> AccessLogLine.parse(e.getFormattedMessage()).uri())
                    .containsExactly("/one", "/two");
            assertThat(lines.list).extracting(ILoggingEvent::getLevel).containsOnly(Level.INFO);
        } finally {
            logger.setLevel(level);
            logger.detachAppender(lines);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "127.0.0.1:1 [28/Nov/2026:00:52:09.123] main api/s1 0/1/12/15 200 0/5120 -- VALID/- R 1",
        "127.0.0.1:1 [28/Nov/2026:00:52:09.123] main api/s1 0/1/12 200 0/5120 -- VALID/- R 1 \"GET /\"",
        "127.0.0.1:1 [21/Foo/2026:21:32:09.123] main api/s1 0/1/12/15 200 0/5120 -- VALID/- R 1 \"GET /\"",
        "127.0.0.1:x [28/Nov/2026:00:52:09.123] main api/s1 0/1/12/15 200 0/5120 -- VALID/- R 1 \"GET /\"",
        "127.0.0.1:1 [28/Nov/2026:00:52:09.123] main api 0/1/12/15 200 0/5120 -- VALID/- R 1 \"GET /\"",
        "127.0.0.1:1 [28/Nov/2026:00:52:09.123] main api/s1 0/1/12/15 200 0/5120 -- VALID/- R 1 \"GET\"",
        "127.0.0.1:1 [28/Nov/2026:00:52:09.123] main api/s1 0/1/12/15 200 0/5120 -- VALID/- R 1 \"GET /\"x\""
    })
    void refusesMalformedLines(String line) {
        assertThatThrownBy(() -> AccessLogLine.parse(line))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("access log line: ");
    }

    @Test
    void everyTerminationCodeIsDistinct() {
        assertThat(Stream.of(TerminationState.values()).map(TerminationState::code).distinct().count())
                .isEqualTo(TerminationState.values().length);
        assertThat(List.of(TerminationState.values())).allSatisfy(t -> assertThat(t.code()).hasSize(2));
    }

    private static long millis(long nanos) {
        return nanos < 0 ? -1 : nanos / 1_000_000;
    }
}
