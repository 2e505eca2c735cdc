package dev.tether.core.backend;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Requests waiting for a server, per backend (HAProxy's {@code timeout queue}): when no server is usable, or every
 * usable one is at its {@code max-conn}, the exchange parks a wake-up here instead of failing.
 *
 * <p>A freed slot wakes the longest waiter of that backend; a change of any server's state wakes every waiter, and
 * each routes again on its own event loop (parking again if it still cannot go). A wake-up is a {@link Waiter}
 * that says whether it was still waiting, so a wake-up that finds its exchange gone is passed on, never lost.
 */
public final class WaitQueues {

    /** One parked exchange. */
    public interface Waiter {
        /** Resumes the exchange on its own event loop; false when it stopped waiting (timed out, client gone). */
        boolean wake();
    }

    private final Map<String, ConcurrentLinkedQueue<Waiter>> waiting = new ConcurrentHashMap<>();

    public void park(String backend, Waiter waiter) {
        waiting.computeIfAbsent(backend, b -> new ConcurrentLinkedQueue<>()).add(waiter);
    }

    /** A slot on one of the backend's servers was freed: wake the first waiter that still waits. */
    public void wakeOne(String backend) {
        ConcurrentLinkedQueue<Waiter> q = waiting.get(backend);
        if (q == null) {
            return;
        }
        Waiter w;
        while ((w = q.poll()) != null) {
            if (w.wake()) {
                return;
            }
        }
    }

    /** Server states changed: every waiter routes again. */
    public void wakeAll() {
        for (ConcurrentLinkedQueue<Waiter> q : waiting.values()) {
            Waiter w;
            int n = q.size();
            while (n-- > 0 && (w = q.poll()) != null) {
                w.wake();
            }
        }
    }

    /** Waiters parked on a backend (some may have stopped waiting and not been removed yet). */
    public int size(String backend) {
        ConcurrentLinkedQueue<Waiter> q = waiting.get(backend);
        return q == null ? 0 : q.size();
    }
}
