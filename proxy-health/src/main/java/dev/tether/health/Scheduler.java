package dev.tether.health;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task later. Production adapts a Netty {@code EventLoop} (a {@link ScheduledExecutorService}) with
 * {@link #of}; tests use a manual scheduler driven by a fake clock.
 */
@FunctionalInterface
public interface Scheduler {

    /** Runs {@code task} once after {@code delay}; throws {@code RejectedExecutionException} when shut down. */
    Cancellable schedule(Runnable task, long delay, TimeUnit unit);

    /** A scheduled task that can still be called off. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }

    /** Schedules on {@code executor}, for example {@code eventLoopGroup.next()}. */
    static Scheduler of(ScheduledExecutorService executor) {
        return (task, delay, unit) -> {
            ScheduledFuture<?> future = executor.schedule(task, delay, unit);
            return () -> future.cancel(false);
        };
    }
}
