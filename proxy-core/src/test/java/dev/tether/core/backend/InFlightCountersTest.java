package dev.tether.core.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.routing.LoadSignal;
import dev.tether.routing.RoutingTable;
import dev.tether.routing.balance.LeastConnections;
import dev.tether.routing.config.BackendConfig;
import dev.tether.routing.config.BalanceAlgorithm;
import dev.tether.routing.config.RoutingConfig;
import dev.tether.routing.config.ServerConfig;
import dev.tether.routing.model.Server;
import dev.tether.routing.model.ServerState;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InFlightCountersTest {

    private static Server server(String name) {
        return new Server("app", new ServerConfig(name, "127.0.0.1", 8080, 1, false, 0), ServerState.UP);
    }

    @Test
    void handsOutTheCounterTheProxyCounts() {
        InFlightCounters counters = new InFlightCounters();
        Server a = server("a");
        assertThat(counters.counter("app/a")).isSameAs(counters.counter("app/a"));
        counters.counter("app/a").incrementAndGet();
        LoadSignal.Slot slot = counters.slot(a);
        assertThat(slot.counts()[slot.index()]).isEqualTo(1);
        assertThat(counters.inFlight(a)).isEqualTo(1);
        assertThat(counters.reader(a).getAsInt()).isEqualTo(1);
    }

    @Test
    void leastConnectionsFollowsTheCountsThroughTheCounters() {
        InFlightCounters counters = new InFlightCounters();
        List<Server> servers = List.of(server("a"), server("b"), server("c"));
        LeastConnections lb = new LeastConnections(servers);
        lb.pick(counters, Set.of()); // resolves the counters before they move
        counters.counter("app/a").set(3);
        counters.counter("app/b").set(1);
        counters.counter("app/c").set(2);
        for (int i = 0; i < 10; i++) {
            assertThat(lb.pick(counters, Set.of()).name()).isEqualTo("b");
        }
        counters.counter("app/b").set(4);
        for (int i = 0; i < 10; i++) {
            assertThat(lb.pick(counters, Set.of()).name()).isEqualTo("c");
        }
    }

    private static RoutingTable table(String... servers) {
        List<ServerConfig> configs = new java.util.ArrayList<>();
        for (String name : servers) {
            configs.add(new ServerConfig(name, "127.0.0.1", 8080, 1, false, 0));
        }
        return RoutingTable.compile(new RoutingConfig(List.of(), List.of(new BackendConfig("app",
                BalanceAlgorithm.LEAST_CONNECTIONS, configs, null, 0, true)), "app"));
    }

    @Test
    void reserveGivesABackendAdjacentCountsAndAReloadKeepsThem() {
        InFlightCounters counters = new InFlightCounters();
        counters.counter("other/x").incrementAndGet(); // seen before the table
        RoutingTable first = table("a", "b", "c");
        counters.reserve(first);
        List<Server> servers = first.servers("app");
        LoadSignal.Slot a = counters.slot(servers.get(0));
        for (int i = 1; i < servers.size(); i++) {
            LoadSignal.Slot s = counters.slot(servers.get(i));
            assertThat(s.counts()).isSameAs(a.counts());
            assertThat(s.index()).isEqualTo(a.index() + i);
        }
        counters.counter("app/b").incrementAndGet();
        RoutingTable reloaded = table("a", "b", "c", "d");
        counters.reserve(reloaded);
        assertThat(counters.inFlight(reloaded.server("app", "b"))).isEqualTo(1);
        assertThat(counters.slot(reloaded.server("app", "b"))).isEqualTo(counters.slot(servers.get(1)));
        assertThat(counters.inFlight("other/x")).isEqualTo(1);
        assertThat(counters.counter("app/b").decrementAndGet()).isZero();
    }
}
