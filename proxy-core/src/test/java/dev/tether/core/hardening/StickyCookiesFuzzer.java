package dev.tether.core.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tether.routing.CookieStatus;
import dev.tether.routing.config.StickyCookieConfig;
import dev.tether.routing.sticky.StickyCookies;
import java.time.Duration;
import java.util.List;

/**
 * The sticky cookie is client input: {@link StickyCookies#read} must answer every value without throwing, find
 * only servers that exist, and read back every value it wrote. Same for the Cookie header helpers. On demand:
 * {@code JAZZER_FUZZ=1 ./mvnw -o -q -B -pl proxy-core test -Dtest=StickyCookiesFuzzer}; the default run checks the
 * same property on random values in {@link StickyCookiesPropertyTest}.
 */
class StickyCookiesFuzzer {

    private static final List<String> SERVERS = List.of("s1", "s2", "s3");
    private static final StickyCookies PLAIN = new StickyCookies(StickyCookieConfig.insert("SRV"), SERVERS);
    private static final StickyCookies SIGNED_DATED = new StickyCookies(new StickyCookieConfig("SRV", false, false,
            true, false, null, Duration.ofHours(1), Duration.ofDays(1), "fuzz-key-0123456789abcdef"), SERVERS);

    @FuzzTest(maxDuration = "60s")
    void anyCookieValueIsAnsweredAndWrittenValuesReadBack(FuzzedDataProvider data) {
        long now = data.consumeLong(0, 4_000_000_000_000L);
        int server = data.consumeInt(0, SERVERS.size() - 1);
        check(data.consumeRemainingAsString(), now, server);
    }

    static void check(String value, long now, int server) {
        for (StickyCookies cookies : List.of(PLAIN, SIGNED_DATED)) {
            long read = cookies.read(value, now);
            CookieStatus status = StickyCookies.status(read);
            if (status == CookieStatus.VALID) {
                assertThat(StickyCookies.server(read)).isBetween(0, SERVERS.size() - 1);
            } else {
                assertThat(StickyCookies.server(read)).isEqualTo(-1);
            }
            long nowSeconds = now / 1000;
            long written = cookies.read(cookies.value(server, nowSeconds, nowSeconds), now);
            assertThat(StickyCookies.status(written)).isEqualTo(CookieStatus.VALID);
            assertThat(StickyCookies.server(written)).isEqualTo(server);
        }
        StickyCookies.find(value, "SRV");
        StickyCookies.strip(value, "SRV");
    }
}
