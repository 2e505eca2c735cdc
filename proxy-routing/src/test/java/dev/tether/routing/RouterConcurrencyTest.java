package dev.tether.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.routing.config.BackendConfig;
import dev.tether.routing.config.BalanceAlgorithm;
import dev.tether.routing.config.RouteConfig;
import dev.tether.routing.config.RouteMatch;
import dev.tether.routing.config.RoutingConfig;
import dev.tether.routing.config.ServerConfig;
import dev.tether.routing.config.StickyCookieConfig;
import dev.tether.routing.config.UuidMapConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One table and one router shared by several threads: the lazily filled decision cache must stay correct. */
class RouterConcurrencyTest {

    @Test
    void concurrentDecisionsAreAllCorrect() throws Exception {
        List<ServerConfig> servers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            servers.add(ServerConfig.of("s" + i, "127.0.0.1", 8000 + i));
        }
        RoutingTable table = RoutingTable.compile(new RoutingConfig(
                List.of(RouteConfig.uuidMap("bases", RouteMatch.pathPrefix("/b/"), "app",
                        UuidMapConfig.ofRanges(Map.of("0-7", "s0", "8-f", "s1")))),
                List.of(new BackendConfig("app", BalanceAlgorithm.ROUND_ROBIN, servers,
                        StickyCookieConfig.insert("srv"), 0, true)),
                "app"));
        Router router = new Router();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Callable<Integer> work = () -> {
                    int checked = 0;
                    for (int i = 0; i < 20_000; i++) {
                        int server = i % 8;
                        RouteDecision.Forward sticky = (RouteDecision.Forward) router.route(
                                TestRequest.get("/x").cookie("srv", table.cookies("app").id(server)), table);
                        assertThat(sticky.server().name()).isEqualTo("s" + server);
                        assertThat(sticky.reason()).isEqualTo(Reason.STICKY_COOKIE);
                        String uuid = UUID.randomUUID().toString();
                        RouteDecision.Forward shard =
                                (RouteDecision.Forward) router.route(TestRequest.get("/b/" + uuid), table);
                        assertThat(shard.server().name())
                                .isEqualTo(Character.digit(uuid.charAt(0), 16) < 8 ? "s0" : "s1");
                        checked += 2;
                    }
                    return checked;
                };
                results.add(pool.submit(work));
            }
            for (Future<Integer> f : results) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(40_000);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
