package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.frontdoor.CidrSet;
import dev.tether.core.frontdoor.FrontDoorConfig;
import dev.tether.core.frontdoor.ResponseHeaderRules;
import dev.tether.core.metrics.ProxyMetrics;
import dev.tether.core.testing.LeakCheck;
import dev.tether.core.testing.TestBackend;
import dev.tether.core.testing.TestProxy;
import dev.tether.routing.config.StickTableConfig;
import dev.tether.routing.model.ServerState;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A backend's stick table through the real proxy: clients without cookies stay on one server by their source address
 * or a header value, and different keys spread over the servers (round-robin would otherwise move every request).
 */
@ExtendWith(LeakCheck.class)
class StickTableIT {

    private TestBackend n1;
    private TestBackend n2;
    private TestBackend n3;
    private ProxyServer proxy;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void setUp() throws Exception {
        n1 = new TestBackend("n1");
        n2 = new TestBackend("n2");
        n3 = new TestBackend("n3");
    }

    @AfterEach
    void tearDown() {
        if (proxy != null) {
            proxy.stop(Duration.ZERO);
        }
        n1.close();
        n2.close();
        n3.close();
    }

    private String servedBy(String path, String header, String value) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(TestProxy.uri(proxy, path));
        if (header != null) {
            r.header(header, value);
        }
        HttpResponse<String> response = client.send(r.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("set-cookie")).as("no cookie persistence here").isEmpty();
        return response.headers().firstValue("X-Backend-Id").orElseThrow();
    }

    @Test
    void requestsWithOneHeaderValueStickAndDifferentValuesSpread() throws Exception {
        TestProxy p = new TestProxy().backends(n1, n2, n3);
        p.stickTable = StickTableConfig.of("header:X-Session");
        proxy = p.start();
        Map<String, String> serverOf = new HashMap<>();
        for (int round = 0; round < 10; round++) {
            for (int s = 0; s < 7; s++) { // 7, not a multiple of 3: round-robin alone would move each session
                String served = servedBy("/r" + round, "X-Session", "session-" + s);
                String first = serverOf.putIfAbsent("session-" + s, served);
                assertThat(served).as("session-%d in round %d", s, round).isEqualTo(first == null ? served : first);
            }
        }
        assertThat(new HashSet<>(serverOf.values())).containsExactlyInAnyOrder("n1", "n2", "n3");
        ProxyMetrics metrics = new ProxyMetrics(proxy.tables());
        assertThat(metrics.stats().get(0).stickTableKeys()).isEqualTo(7);
        assertThat(metrics.scrape()).contains("tether_stick_table_keys{backend=\"app\"} 7.0");
    }

    @Test
    void clientsStickBySourceAddressAndMoveWhenTheirServerGoesDown() throws Exception {
        TestProxy p = new TestProxy().backends(n1, n2, n3);
        p.stickTable = StickTableConfig.of("source");
        // Tests may only use 127.0.0.1, so distinct sources come from a trusted proxy's X-Forwarded-For.
        p.listener = p.listener.withFrontDoor(new FrontDoorConfig(null, 0, 443, ResponseHeaderRules.none(),
                CidrSet.of("127.0.0.1/32"), false));
        proxy = p.start();
        Map<String, String> serverOf = new HashMap<>();
        for (int round = 0; round < 10; round++) {
            for (int c = 1; c <= 7; c++) {
                String source = "192.0.2." + c;
                String served = servedBy("/x", "X-Forwarded-For", source);
                String first = serverOf.putIfAbsent(source, served);
                assertThat(served).as("%s in round %d", source, round).isEqualTo(first == null ? served : first);
            }
        }
        Set<String> used = new HashSet<>(serverOf.values());
        assertThat(used).containsExactlyInAnyOrder("n1", "n2", "n3");
        // The direct peer (no forwarded header) is a source too, and sticks.
        String direct = servedBy("/direct", null, null);
        for (int i = 0; i < 5; i++) {
            assertThat(servedBy("/direct", null, null)).isEqualTo(direct);
        }

        String gone = serverOf.get("192.0.2.1");
        proxy.tables().setServerState("app", gone, ServerState.MAINT);
        String moved = servedBy("/x", "X-Forwarded-For", "192.0.2.1");
        assertThat(moved).isNotEqualTo(gone);
        proxy.tables().setServerState("app", gone, ServerState.UP);
        for (int i = 0; i < 5; i++) {
            assertThat(servedBy("/x", "X-Forwarded-For", "192.0.2.1")).as("the entry was replaced").isEqualTo(moved);
        }
    }
}
