package dev.tether.health.netty;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/** Collects the paranoid leak detector's reports so a test can fail on them. */
final class LeakLog {

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);

    LeakLog start() {
        appender.start();
        logger.addAppender(appender);
        return this;
    }

    /** Collects garbage, lets the detector run, and returns every leak report seen since {@link #start}. */
    List<String> leaks() {
        for (int i = 0; i < 5; i++) {
            System.gc();
            ByteBuf probe = PooledByteBufAllocator.DEFAULT.directBuffer(64);
            probe.release();
        }
        logger.detachAppender(appender);
        return appender.list.stream()
                .map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains("LEAK"))
                .collect(Collectors.toList());
    }
}
