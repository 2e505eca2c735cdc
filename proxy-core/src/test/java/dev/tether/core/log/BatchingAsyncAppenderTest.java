package dev.tether.core.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The access log's async appender: never blocks the caller, drops when full, writes out the queue on stop. */
class BatchingAsyncAppenderTest {

    /** Records messages; blocks on {@code gate} first, like a disk that has fallen behind. */
    private static final class Slow extends AppenderBase<ILoggingEvent> {
        final CountDownLatch gate = new CountDownLatch(1);
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent e) {
            try {
                gate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            seen.add(e.getFormattedMessage());
        }
    }

    private static LoggingEvent event(LoggerContext context, String message) {
        return new LoggingEvent("x", context.getLogger("tether.access"), Level.INFO, message, null, null);
    }

    @Test
    void dropsInsteadOfBlockingWhenTheQueueIsFullAndWritesOutTheRestOnStop() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter()); // slf4j's provider does this for the default context
        Slow slow = new Slow();
        slow.setContext(context);
        slow.start();
        BatchingAsyncAppender async = new BatchingAsyncAppender();
        async.setContext(context);
        async.setName("test");
        async.setQueueSize(8);
        async.setPollMillis(1);
        async.addAppender(slow);
        async.start();

        long start = System.nanoTime();
        for (int i = 0; i < 1_000; i++) {
            async.doAppend(event(context, "line " + i));
        }
        // The worker is stuck on the gate with at most one batch (8) taken, so the caller must have dropped.
        assertThat(System.nanoTime() - start).as("caller never waited for the 10 s gate")
                .isLessThan(TimeUnit.SECONDS.toNanos(5));
        assertThat(async.dropped()).isGreaterThanOrEqualTo(1_000 - 16);

        slow.gate.countDown();
        async.stop();
        assertThat(slow.seen).hasSize((int) (1_000 - async.dropped()));
        assertThat(slow.seen).isSortedAccordingTo((a, b) -> Integer.compare(
                Integer.parseInt(a.substring(5)), Integer.parseInt(b.substring(5))));
        assertThat(slow.isStarted()).as("downstream stopped with it").isFalse();
    }
}
