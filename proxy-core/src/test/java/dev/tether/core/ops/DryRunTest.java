package dev.tether.core.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.routing.RequestHead;
import dev.tether.routing.Router;
import dev.tether.routing.RoutingTable;
import dev.tether.routing.config.BackendConfig;
import dev.tether.routing.config.BalanceAlgorithm;
import dev.tether.routing.config.RoutingConfig;
import dev.tether.routing.config.ServerConfig;
import dev.tether.routing.config.StickyCookieConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DryRunTest {

    private static String decide(StickyCookieConfig cookie) {
        BackendConfig app = new BackendConfig("app", BalanceAlgorithm.FIRST,
                List.of(ServerConfig.of("a", "127.0.0.1", 8081)), cookie, 3, true);
        RoutingTable table = RoutingTable.compile(new RoutingConfig(List.of(), List.of(app), "app"));
        String json = DryRun.json(new Router().route(RequestHead.of("GET", "/", Map.of(), "192.0.2.7"), table));
        return cookie == null ? json : json.replace(table.cookies("app").id(0), "ID");
    }

    @Test
    void theCookieEditOfRewriteAndPrefixModeIsShown() {
        assertThat(decide(StickyCookieConfig.prefix("JSESSIONID")))
                .contains("\"setCookie\":null,\"cookieEdit\":\"prefix ID~\"}");
        assertThat(decide(StickyCookieConfig.rewrite("SERVERID")))
                .contains("\"setCookie\":null,\"cookieEdit\":\"rewrite ID\"}");
        assertThat(decide(StickyCookieConfig.insert("srv")))
                .contains("\"setCookie\":\"srv=ID; Path=/; HttpOnly\",\"cookieEdit\":null}");
        assertThat(decide(null)).contains("\"setCookie\":null,\"cookieEdit\":null}");
    }
}
