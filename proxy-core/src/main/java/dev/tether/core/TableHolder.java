package dev.tether.core;

import dev.tether.routing.RoutingTable;
import dev.tether.routing.model.ServerState;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The current {@link RoutingTable}. A request reads it once and keeps that snapshot; a health change or a
 * reload swaps in a new one atomically.
 */
public final class TableHolder implements Supplier<RoutingTable> {

    private final AtomicReference<RoutingTable> table;
    private final List<Runnable> onChange = new CopyOnWriteArrayList<>();

    public TableHolder(RoutingTable initial) {
        this.table = new AtomicReference<>(initial);
    }

    /** Runs {@code listener} after every change of the table (on the thread that made it; must not block). */
    public void onChange(Runnable listener) {
        onChange.add(listener);
    }

    @Override
    public RoutingTable get() {
        return table.get();
    }

    /** Sets one server's state; concurrent changes of other servers are not lost. */
    public void setServerState(String backend, String server, ServerState state) {
        setServerState(backend, server, state, 0, 0);
    }

    /**
     * Sets one server's state, with a slow start from {@code nowMillis} when it comes back up (see
     * {@link RoutingTable#withServerState(String, String, ServerState, long, long)}).
     */
    public void setServerState(String backend, String server, ServerState state, long nowMillis, long slowStartMillis) {
        RoutingTable before = table.get();
        RoutingTable after = table.updateAndGet(
                t -> t.withServerState(backend, server, state, nowMillis, slowStartMillis));
        if (after != before) {
            onChange.forEach(Runnable::run);
        }
    }

    /**
     * Replaces the table with {@code f(current)}, retrying if another change came in meanwhile, so a concurrent
     * {@link #setServerState} is never lost. {@code f} may run more than once and must have no side effects.
     */
    public RoutingTable update(UnaryOperator<RoutingTable> f) {
        RoutingTable before = table.get();
        RoutingTable after = table.updateAndGet(f);
        if (after != before) {
            onChange.forEach(Runnable::run);
        }
        return after;
    }

    public void replace(RoutingTable next) {
        table.set(next);
        onChange.forEach(Runnable::run);
    }
}
