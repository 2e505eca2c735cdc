package dev.tether.core.frontend;

import dev.tether.core.TableHolder;
import dev.tether.core.backend.BackendConnector;
import dev.tether.core.backend.InFlightCounters;
import dev.tether.core.backend.PinnedSessions;
import dev.tether.core.backend.TrafficObserver;
import dev.tether.core.backend.WaitQueues;
import dev.tether.core.config.ListenerConfig;
import dev.tether.core.config.ProxyConfig;
import dev.tether.core.frontdoor.FrontDoor;
import dev.tether.core.log.ExchangeListener;
import dev.tether.routing.Router;
import java.util.function.Supplier;

/**
 * What every client connection of one listener shares: its configuration and the proxy's services.
 *
 * @param listener this listener's settings
 * @param configs the whole current configuration (backend timeouts); a reload swaps it, and each exchange reads it
 *     when it starts an attempt
 * @param tables the current routing table
 * @param router the routing engine
 * @param connector backend connections and pools
 * @param inFlight requests in progress per server
 * @param events access log and metrics
 * @param frontDoor TLS, PROXY protocol, redirect, trusted proxies and response header rules of this listener
 * @param traffic passive health: what live traffic saw of each server
 * @param queues requests waiting for a usable server or a free slot
 * @param sessions sticky sessions seen per server within the drain idle window (how many a drain still holds)
 */
public record ListenerContext(
        ListenerConfig listener,
        Supplier<ProxyConfig> configs,
        TableHolder tables,
        Router router,
        BackendConnector connector,
        InFlightCounters inFlight,
        ExchangeListener events,
        FrontDoor frontDoor,
        TrafficObserver traffic,
        WaitQueues queues,
        PinnedSessions sessions) {

    /** The configuration in force now (a reload may have replaced the one this listener was bound with). */
    public ProxyConfig config() {
        return configs.get();
    }
}
