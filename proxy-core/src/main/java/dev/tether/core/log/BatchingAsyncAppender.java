package dev.tether.core.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.AppenderAttachableImpl;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Hands access lines to its appenders on a thread of its own, in batches, and never blocks the caller: when the
 * queue is full the line is dropped (and counted).
 *
 * <p>Unlike logback's {@code AsyncAppender}, whose worker waits on the queue and is woken (a futex call and a
 * context switch on both sides) for nearly every line when it keeps up, this worker is never woken by a caller: it
 * takes whatever has queued up every {@code pollMillis} (default 10 ms) and sleeps again. On a busy proxy that is a
 * few hundred lines per wake-up instead of one.
 */
public class BatchingAsyncAppender extends UnsynchronizedAppenderBase<ILoggingEvent>
        implements AppenderAttachable<ILoggingEvent> {

    private final AppenderAttachableImpl<ILoggingEvent> appenders = new AppenderAttachableImpl<>();
    private final AtomicLong dropped = new AtomicLong();
    private int queueSize = 65_536;
    private long pollMillis = 10;
    private int maxFlushMillis = 1_000;
    private volatile BlockingQueue<ILoggingEvent> queue;
    private Thread worker;

    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    public int getQueueSize() {
        return queueSize;
    }

    public void setPollMillis(long pollMillis) {
        this.pollMillis = pollMillis;
    }

    /** How long {@link #stop()} keeps writing out queued lines. */
    public void setMaxFlushMillis(int maxFlushMillis) {
        this.maxFlushMillis = maxFlushMillis;
    }

    /** Lines dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    @Override
    public void start() {
        if (isStarted()) {
            return;
        }
        if (queueSize < 1) {
            addError("queueSize " + queueSize + " must be at least 1");
            return;
        }
        queue = new ArrayBlockingQueue<>(queueSize);
        super.start();
        worker = new Thread(this::drain, "tether-access-log-" + getName());
        worker.setDaemon(true);
        worker.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        // The line (and thread name, MDC) is fixed now: the event is read later on another thread.
        event.prepareForDeferredProcessing();
        if (!queue.offer(event)) {
            dropped.incrementAndGet();
        }
    }

    private void drain() {
        List<ILoggingEvent> batch = new ArrayList<>();
        long pollNanos = TimeUnit.MILLISECONDS.toNanos(pollMillis);
        while (isStarted()) {
            if (writeOut(batch) == 0) {
                LockSupport.parkNanos(this, pollNanos);
            }
        }
    }

    private int writeOut(List<ILoggingEvent> batch) {
        queue.drainTo(batch);
        int n = batch.size();
        for (ILoggingEvent e : batch) {
            appenders.appendLoopOnAppenders(e);
        }
        batch.clear();
        return n;
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        LockSupport.unpark(worker);
        try {
            worker.join(maxFlushMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            addWarn("access log worker still busy after " + maxFlushMillis + " ms; " + queue.size()
                    + " queued lines dropped");
        } else {
            writeOut(new ArrayList<>()); // what came in between the worker's last look and stop
        }
        if (dropped.get() > 0) {
            addWarn(dropped.get() + " access log lines dropped because the queue (" + queueSize + ") was full");
        }
        appenders.detachAndStopAllAppenders();
    }

    @Override
    public void addAppender(Appender<ILoggingEvent> appender) {
        appenders.addAppender(appender);
    }

    @Override
    public Iterator<Appender<ILoggingEvent>> iteratorForAppenders() {
        return appenders.iteratorForAppenders();
    }

    @Override
    public Appender<ILoggingEvent> getAppender(String name) {
        return appenders.getAppender(name);
    }

    @Override
    public boolean isAttached(Appender<ILoggingEvent> appender) {
        return appenders.isAttached(appender);
    }

    @Override
    public void detachAndStopAllAppenders() {
        appenders.detachAndStopAllAppenders();
    }

    @Override
    public boolean detachAppender(Appender<ILoggingEvent> appender) {
        return appenders.detachAppender(appender);
    }

    @Override
    public boolean detachAppender(String name) {
        return appenders.detachAppender(name);
    }
}
