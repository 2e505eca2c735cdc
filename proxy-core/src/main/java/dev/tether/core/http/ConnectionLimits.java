package dev.tether.core.http;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts open client connections against a cap, in total and per client IP, optionally under a parent (the
 * proxy-wide cap above a listener's). Thread-safe: connections of one listener live on several event loops.
 *
 * <p>{@link #tryAcquire} takes a slot at every level or none; {@link #release} gives back what was taken. A cap of
 * 0 means unlimited. The per-IP table only holds addresses that have a connection open, so it cannot grow with
 * the number of clients ever seen.
 */
public final class ConnectionLimits {

    private final String name;
    private final int maxConnections;
    private final int maxPerClient;
    private final ConnectionLimits parent;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perClient = new ConcurrentHashMap<>();

    /**
     * @param name what the caps belong to, for log lines ({@code listener http}, {@code proxy})
     * @param maxConnections open connections at most, 0 for unlimited
     * @param maxPerClient open connections per client IP at most, 0 for unlimited
     * @param parent the enclosing cap, or {@code null}
     */
    public ConnectionLimits(String name, int maxConnections, int maxPerClient, ConnectionLimits parent) {
        if (maxConnections < 0 || maxPerClient < 0) {
            throw new IllegalArgumentException(name + ": connection caps must be >= 0 (0 = unlimited), got "
                    + maxConnections + " and " + maxPerClient);
        }
        this.name = name;
        this.maxConnections = maxConnections;
        this.maxPerClient = maxPerClient;
        this.parent = parent;
    }

    /** No caps at all. */
    public static ConnectionLimits unlimited(String name) {
        return new ConnectionLimits(name, 0, 0, null);
    }

    public String name() {
        return name;
    }

    /** Connections open now at this level. */
    public int open() {
        return open.get();
    }

    /**
     * Takes a slot for a new connection from {@code client} ({@code null} when unknown: only the totals count).
     *
     * @return {@code null} when admitted; else the limits whose cap was reached, with nothing taken anywhere
     */
    public ConnectionLimits tryAcquire(InetAddress client) {
        int total = open.incrementAndGet();
        if (maxConnections > 0 && total > maxConnections) {
            open.decrementAndGet();
            return this;
        }
        if (maxPerClient > 0 && client != null) {
            AtomicInteger n = perClient.compute(client, (k, v) -> {
                AtomicInteger c = v == null ? new AtomicInteger() : v;
                c.incrementAndGet();
                return c;
            });
            if (n.get() > maxPerClient) {
                releaseClient(client);
                open.decrementAndGet();
                return this;
            }
        }
        if (parent != null) {
            ConnectionLimits full = parent.tryAcquire(client);
            if (full != null) {
                releaseHere(client);
                return full;
            }
        }
        return null;
    }

    /** Gives back the slots {@link #tryAcquire} took for {@code client}. */
    public void release(InetAddress client) {
        releaseHere(client);
        if (parent != null) {
            parent.release(client);
        }
    }

    private void releaseHere(InetAddress client) {
        open.decrementAndGet();
        if (maxPerClient > 0 && client != null) {
            releaseClient(client);
        }
    }

    private void releaseClient(InetAddress client) {
        perClient.computeIfPresent(client, (k, v) -> v.decrementAndGet() <= 0 ? null : v);
    }

    /** Why a connection was refused, for the log: which cap, at which level. */
    String describe() {
        return name + " (max " + (maxConnections == 0 ? "unlimited" : maxConnections) + " connections, "
                + (maxPerClient == 0 ? "unlimited" : maxPerClient) + " per client IP)";
    }
}
