package dev.tether.routing.balance;

import dev.tether.routing.LoadSignal;
import dev.tether.routing.model.Server;
import java.util.List;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * HAProxy's {@code balance first}: the first server in configuration order that has a free connection slot
 * ({@code max-conn}, 0 meaning no limit), so traffic packs onto as few servers as possible and the others can be
 * scaled down. When every server is full the first one gets the request (the proxy queues it).
 */
public final class FirstAvailable implements LoadBalancer {

    private final Server[] servers;
    private final LoadReaders loads;

    /** @param servers usable servers in configuration order */
    public FirstAvailable(List<Server> servers) {
        this.servers = servers.toArray(new Server[0]);
        this.loads = new LoadReaders(this.servers);
    }

    @Override
    public Server pick(LoadSignal load, Set<String> avoid) {
        Server fallback = null;
        IntSupplier[] inFlight = null;
        for (int i = 0; i < servers.length; i++) {
            Server s = servers[i];
            if (!avoid.isEmpty() && avoid.contains(s.id())) {
                continue;
            }
            int max = s.config().maxConn();
            if (max == 0) {
                return s;
            }
            if (inFlight == null) {
                inFlight = loads.of(load);
            }
            if (inFlight[i].getAsInt() < max) {
                return s;
            }
            if (fallback == null) {
                fallback = s;
            }
        }
        return fallback;
    }
}
