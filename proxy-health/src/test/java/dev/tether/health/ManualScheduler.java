package dev.tether.health;

import java.time.Duration;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs scheduled tasks only when the test advances time, in due order, moving the {@link FakeTicker} to each
 * task's due time first. Tasks scheduled while advancing run in the same call when they fall due.
 */
final class ManualScheduler implements Scheduler {

    private final FakeTicker ticker;
    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private long seq;

    ManualScheduler(FakeTicker ticker) {
        this.ticker = ticker;
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
        Task t = new Task(ticker.read() + unit.toNanos(delay), seq++, task);
        queue.add(t);
        return () -> t.cancelled = true;
    }

    /** Advances the clock by {@code d}, running every task that falls due on the way. */
    void advance(Duration d) {
        long target = ticker.read() + d.toNanos();
        while (true) {
            Task t;
            synchronized (this) {
                t = queue.peek();
                if (t == null || t.due > target) {
                    break;
                }
                queue.poll();
            }
            if (!t.cancelled) {
                ticker.set(Math.max(ticker.read(), t.due));
                t.task.run();
            }
        }
        ticker.set(target);
    }

    /** Tasks scheduled and neither run nor cancelled. */
    synchronized long pending() {
        return queue.stream().filter(t -> !t.cancelled).count();
    }

    private static final class Task implements Comparable<Task> {
        final long due;
        final long seq;
        final Runnable task;
        volatile boolean cancelled;

        Task(long due, long seq, Runnable task) {
            this.due = due;
            this.seq = seq;
            this.task = task;
        }

        @Override
        public int compareTo(Task o) {
            return due != o.due ? Long.compare(due, o.due) : Long.compare(seq, o.seq);
        }
    }
}
