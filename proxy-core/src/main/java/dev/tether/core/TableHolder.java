package dev.tether.core;

import dev.tether.routing.RoutingTable;
import dev.tether.routing.model.ServerState;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The current {@link RoutingTable}. A request reads it once and keeps that snapshot; a health change or a
 * reload swaps in a new one atomically.
 */
public final class TableHolder implements Supplier<RoutingTable> {

    private final AtomicReference<RoutingTable> table;

    public TableHolder(RoutingTable initial) {
        this.table = new AtomicReference<>(initial);
    }

    @Override
    public RoutingTable get() {
        return table.get();
    }

    /** Sets one server's state; concurrent changes of other servers are not lost. */
    public void setServerState(String backend, String server, ServerState state) {
        table.updateAndGet(t -> t.withServerState(backend, server, state));
    }

    public void replace(RoutingTable next) {
        table.set(next);
    }
}
