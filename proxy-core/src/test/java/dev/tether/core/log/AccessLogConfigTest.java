package dev.tether.core.log;

import static dev.tether.core.log.Exchanges.exchange;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.status.Status;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped logback.xml, loaded into a private context: stdout, file and off as documented. */
class AccessLogConfigTest {

    private static LoggerContext load(Map<String, String> properties) throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter()); // slf4j's provider does this for the default context
        properties.forEach(context::putProperty);
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        URL config = AccessLog.class.getResource("/logback.xml");
        assertThat(config).as("logback.xml on the classpath").isNotNull();
        configurator.doConfigure(config);
        List<Status> errors = context.getStatusManager().getCopyOfStatusList().stream()
                .filter(LogbackStatusListener::shown)
                .toList();
        assertThat(errors).as("logback warnings and errors").isEmpty();
        return context;
    }

    private static Appender<?> destination(LoggerContext context) {
        Logger access = context.getLogger(AccessLog.LOGGER);
        assertThat(access.isAdditive()).isFalse();
        BatchingAsyncAppender async = (BatchingAsyncAppender) access.getAppender("ACCESS_ASYNC");
        return async.iteratorForAppenders().next();
    }

    @Test
    void defaultsToStdoutThroughANeverBlockingAsyncAppender() throws Exception {
        LoggerContext context = load(Map.of());
        try {
            assertThat(destination(context)).isInstanceOf(BufferedStdoutAppender.class);
            assertThat(context.getLogger(AccessLog.LOGGER).getEffectiveLevel()).isEqualTo(Level.INFO);
        } finally {
            context.stop();
        }
    }

    @Test
    void fileWritesParsableLinesToTheConfiguredFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("access.log");
        LoggerContext context = load(Map.of("tether.access.log", "file", "tether.access.file", file.toString()));
        AccessLog log = new AccessLog(context.getLogger(AccessLog.LOGGER));
        log.exchangeFinished(exchange().uri("/first").build());
        log.exchangeFinished(exchange().uri("/second").status(504)
                .termination(TerminationState.SERVER_TIMEOUT_HEADERS).build());
        context.stop(); // flushes the async queue

        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).extracting(l -> AccessLogLine.parse(l).uri()).containsExactly("/first", "/second");
        assertThat(AccessLogLine.parse(lines.get(1)).terminationState())
                .isEqualTo(TerminationState.SERVER_TIMEOUT_HEADERS);
    }

    @Test
    void bufferedFileLinesReachTheDiskWithoutAStop(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("access.log");
        LoggerContext context = load(Map.of("tether.access.log", "file", "tether.access.file", file.toString()));
        try {
            AccessLog log = new AccessLog(context.getLogger(AccessLog.LOGGER));
            log.exchangeFinished(exchange().uri("/quiet").build());
            // Far less than a buffer's worth: only the periodic flush writes it out.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(Files.readAllLines(file, StandardCharsets.UTF_8))
                            .extracting(l -> AccessLogLine.parse(l).uri())
                            .containsExactly("/quiet"));
        } finally {
            context.stop();
        }
    }

    @Test
    void manyFileLinesAreWrittenWholeAndInOrder(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("access.log");
        LoggerContext context = load(Map.of("tether.access.log", "file", "tether.access.file", file.toString()));
        AccessLog log = new AccessLog(context.getLogger(AccessLog.LOGGER));
        int lines = 5_000; // several 64 KB buffers; fewer than the async queue holds, so none is dropped
        for (int i = 0; i < lines; i++) {
            log.exchangeFinished(exchange().uri("/n/" + i).build());
        }
        context.stop();

        List<String> read = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(read).hasSize(lines);
        for (int i = 0; i < lines; i++) {
            assertThat(AccessLogLine.parse(read.get(i)).uri()).isEqualTo("/n/" + i);
        }
    }

    @Test
    void offTurnsTheLoggerOffSoNothingIsFormatted(@TempDir Path dir) throws Exception {
        LoggerContext context = load(Map.of("tether.access.log", "off",
                "tether.access.file", dir.resolve("access.log").toString()));
        try {
            assertThat(context.getLogger(AccessLog.LOGGER).isInfoEnabled()).isFalse();
            assertThat(dir.resolve("access.log")).doesNotExist();
        } finally {
            context.stop();
        }
    }

    @Test
    void aTargetChosenAfterStartReplacesTheDestination(@TempDir Path dir) throws Exception {
        LoggerContext context = load(Map.of());
        Path file = dir.resolve("later.log");
        AccessLogTarget.FILE.apply(context, file);
        AccessLog log = new AccessLog(context.getLogger(AccessLog.LOGGER));
        log.exchangeFinished(exchange().uri("/after-reload").build());
        context.stop();

        assertThat(Files.readAllLines(file, StandardCharsets.UTF_8))
                .extracting(l -> AccessLogLine.parse(l).uri())
                .containsExactly("/after-reload");
    }

    @Test
    void offChosenAfterStartTurnsTheLoggerOff() throws Exception {
        LoggerContext context = load(Map.of());
        try {
            AccessLogTarget.parse("OFF").apply(context, null);
            assertThat(context.getLogger(AccessLog.LOGGER).isInfoEnabled()).isFalse();
            assertThat(context.getLogger("dev.tether").isInfoEnabled()).isTrue();
        } finally {
            context.stop();
        }
    }
}
