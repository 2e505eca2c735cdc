package dev.tether.core.ops;

import dev.tether.core.config.ListenerConfig;
import dev.tether.core.config.ProxyConfig;
import dev.tether.routing.config.BackendConfig;
import dev.tether.routing.config.ServerConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a reload changes, by name: backends, servers ({@code backend/server}) and listeners added, removed or
 * changed, and whether the rules changed. A backend is "changed" when its own settings (balance, cookie, retries,
 * redispatch, retry-on, drain-idle-timeout, timeouts, health checks, slow start) differ. A changed backend, or one
 * whose servers changed, gets a new health checker ({@link #recheck}); any other keeps its own, so its servers do not
 * flap.
 *
 * @param backendsAdded backend names new in the next configuration
 * @param backendsRemoved backend names gone from it
 * @param backendsChanged backends in both whose own settings differ (not counting their servers)
 * @param serversAdded {@code backend/server} ids new in the next configuration
 * @param serversRemoved ids gone from it
 * @param serversChanged ids in both whose address, weight, backup or maxconn differ
 * @param listenersAdded listener names to bind
 * @param listenersRemoved listener names to close
 * @param listenersChanged listeners in both with other settings (closed and bound again)
 * @param routesChanged whether the rules or the default backend differ
 * @param shardPinsChanged whether {@code shard-pins} settings differ (applied to the keys already pinned)
 * @param restartNeeded settings a reload cannot apply (event loop threads, admin listener, file watch), empty when
 *     none
 */
public record ConfigDiff(
        Set<String> backendsAdded,
        Set<String> backendsRemoved,
        Set<String> backendsChanged,
        Set<String> serversAdded,
        Set<String> serversRemoved,
        Set<String> serversChanged,
        Set<String> listenersAdded,
        Set<String> listenersRemoved,
        Set<String> listenersChanged,
        boolean routesChanged,
        boolean shardPinsChanged,
        List<String> restartNeeded) {

    /** Compares two valid configurations. */
    public static ConfigDiff between(ProxyConfig old, ProxyConfig next) {
        Map<String, BackendConfig> before = backends(old);
        Map<String, BackendConfig> after = backends(next);
        Set<String> bAdded = new TreeSet<>();
        Set<String> bRemoved = new TreeSet<>();
        Set<String> bChanged = new TreeSet<>();
        Set<String> sAdded = new TreeSet<>();
        Set<String> sRemoved = new TreeSet<>();
        Set<String> sChanged = new TreeSet<>();
        for (BackendConfig b : after.values()) {
            BackendConfig was = before.get(b.name());
            if (was == null) {
                bAdded.add(b.name());
                b.servers().forEach(s -> sAdded.add(b.name() + "/" + s.name()));
                continue;
            }
            for (ServerConfig s : b.servers()) {
                ServerConfig prev = was.server(s.name());
                if (prev == null) {
                    sAdded.add(b.name() + "/" + s.name());
                } else if (!prev.equals(s)) {
                    sChanged.add(b.name() + "/" + s.name());
                }
            }
            for (ServerConfig s : was.servers()) {
                if (b.server(s.name()) == null) {
                    sRemoved.add(b.name() + "/" + s.name());
                }
            }
            boolean settings = was.balance() != b.balance() || !Objects.equals(was.cookie(), b.cookie())
                    || was.retries() != b.retries() || was.redispatch() != b.redispatch()
                    || !was.retryOn().equals(b.retryOn()) || !was.drainIdle().equals(b.drainIdle())
                    || !Objects.equals(was.stickTable(), b.stickTable());
            if (settings || !Objects.equals(old.health(b.name()), next.health(b.name()))
                    || !Objects.equals(old.passiveHealth(b.name()), next.passiveHealth(b.name()))
                    || !Objects.equals(old.timeouts(b.name()), next.timeouts(b.name()))
                    || !Objects.equals(old.slowStart(b.name()), next.slowStart(b.name()))) {
                bChanged.add(b.name());
            }
        }
        for (BackendConfig b : before.values()) {
            if (!after.containsKey(b.name())) {
                bRemoved.add(b.name());
                b.servers().forEach(s -> sRemoved.add(b.name() + "/" + s.name()));
            }
        }
        Map<String, ListenerConfig> lBefore = listeners(old);
        Map<String, ListenerConfig> lAfter = listeners(next);
        Set<String> lAdded = new TreeSet<>(lAfter.keySet());
        lAdded.removeAll(lBefore.keySet());
        Set<String> lRemoved = new TreeSet<>(lBefore.keySet());
        lRemoved.removeAll(lAfter.keySet());
        Set<String> lChanged = new TreeSet<>();
        lAfter.forEach((name, l) -> {
            if (lBefore.containsKey(name) && !lBefore.get(name).equals(l)) {
                lChanged.add(name);
            }
        });
        boolean routes = !old.routing().routes().equals(next.routing().routes())
                || !Objects.equals(old.routing().defaultBackend(), next.routing().defaultBackend());
        List<String> restart = new ArrayList<>();
        if (old.eventLoopThreads() != next.eventLoopThreads()) {
            restart.add("event-loop-threads");
        }
        if (!Objects.equals(old.admin(), next.admin())) {
            restart.add("admin");
        }
        if (!old.reloadWatch().equals(next.reloadWatch())) {
            restart.add("reload-watch");
        }
        return new ConfigDiff(bAdded, bRemoved, bChanged, sAdded, sRemoved, sChanged, lAdded, lRemoved, lChanged,
                routes, !old.shardPins().equals(next.shardPins()), restart);
    }

    public ConfigDiff {
        backendsAdded = Set.copyOf(backendsAdded);
        backendsRemoved = Set.copyOf(backendsRemoved);
        backendsChanged = Set.copyOf(backendsChanged);
        serversAdded = Set.copyOf(serversAdded);
        serversRemoved = Set.copyOf(serversRemoved);
        serversChanged = Set.copyOf(serversChanged);
        listenersAdded = Set.copyOf(listenersAdded);
        listenersRemoved = Set.copyOf(listenersRemoved);
        listenersChanged = Set.copyOf(listenersChanged);
        restartNeeded = List.copyOf(restartNeeded);
    }

    /** Whether a backend needs a new health checker: added, changed, or with servers added, removed or changed. */
    public boolean recheck(String backend) {
        String prefix = backend + "/";
        if (backendsRemoved.contains(backend)) {
            return false;
        }
        return backendsAdded.contains(backend) || backendsChanged.contains(backend)
                || serversAdded.stream().anyMatch(id -> id.startsWith(prefix))
                || serversRemoved.stream().anyMatch(id -> id.startsWith(prefix))
                || serversChanged.stream().anyMatch(id -> id.startsWith(prefix));
    }

    public boolean isEmpty() {
        return summary().equals("no change");
    }

    /**
     * One line for the log:
     * {@code backends +b3 -b1 ~b2; servers +app/s4 -app/s1 ~app/s2; listeners +admin2; routes changed}, or
     * {@code no change}.
     */
    public String summary() {
        List<String> parts = new ArrayList<>();
        part(parts, "backends", backendsAdded, backendsRemoved, backendsChanged);
        part(parts, "servers", serversAdded, serversRemoved, serversChanged);
        part(parts, "listeners", listenersAdded, listenersRemoved, listenersChanged);
        if (routesChanged) {
            parts.add("routes changed");
        }
        if (shardPinsChanged) {
            parts.add("shard-pins changed");
        }
        if (!restartNeeded.isEmpty()) {
            parts.add("needs a restart to apply: " + String.join(", ", restartNeeded));
        }
        return parts.isEmpty() ? "no change" : String.join("; ", parts);
    }

    private static void part(List<String> parts, String what, Set<String> added, Set<String> removed,
            Set<String> changed) {
        if (added.isEmpty() && removed.isEmpty() && changed.isEmpty()) {
            return;
        }
        StringBuilder text = new StringBuilder(what);
        new TreeSet<>(added).forEach(n -> text.append(" +").append(n));
        new TreeSet<>(removed).forEach(n -> text.append(" -").append(n));
        new TreeSet<>(changed).forEach(n -> text.append(" ~").append(n));
        parts.add(text.toString());
    }

    private static Map<String, BackendConfig> backends(ProxyConfig config) {
        Map<String, BackendConfig> byName = new LinkedHashMap<>();
        config.routing().backends().forEach(b -> byName.put(b.name(), b));
        return byName;
    }

    private static Map<String, ListenerConfig> listeners(ProxyConfig config) {
        Map<String, ListenerConfig> byName = new LinkedHashMap<>();
        config.listeners().forEach(l -> byName.put(l.name(), l));
        return byName;
    }
}
