package dev.tether.core.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.routing.balance.LeastConnections;
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
        assertThat(counters.counter(a)).isSameAs(counters.counter("app/a"));
        counters.counter("app/a").incrementAndGet();
        assertThat(counters.counter(a).get()).isEqualTo(1);
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
}
