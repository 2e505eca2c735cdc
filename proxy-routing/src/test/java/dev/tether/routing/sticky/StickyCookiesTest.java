package dev.tether.routing.sticky;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.routing.CookieStatus;
import dev.tether.routing.config.StickyCookieConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StickyCookiesTest {

    private static final List<String> SERVERS = List.of("node1", "node2", "node3");
    private static final long T0 = 1_800_000_000_000L;
    private static final String KEY = "0123456789abcdef-secret";

    private static StickyCookieConfig config(Duration maxIdle, Duration maxLife, String key) {
        return new StickyCookieConfig("srv", false, false, true, false, null, maxIdle, maxLife, key);
    }

    @Test
    void idsAreDerivedFromNamesAndStableAcrossInstances() {
        StickyCookies a = new StickyCookies(StickyCookieConfig.insert("srv"), SERVERS);
        StickyCookies b = new StickyCookies(StickyCookieConfig.insert("srv"), List.of("node3", "node1", "node2"));
        assertThat(a.id(0)).hasSize(8).isEqualTo(b.id(1)).doesNotContain("node");
        assertThat(a.id(2)).isEqualTo(b.id(0));
        assertThat(a.id(0)).isNotEqualTo(a.id(1));
    }

    @Test
    void aKeyChangesTheIdsSoNamesCannotBeGuessed() {
        StickyCookies plain = new StickyCookies(StickyCookieConfig.insert("srv"), SERVERS);
        StickyCookies keyed = new StickyCookies(config(Duration.ZERO, Duration.ZERO, KEY), SERVERS);
        StickyCookies otherKey = new StickyCookies(config(Duration.ZERO, Duration.ZERO, KEY + "2"), SERVERS);
        assertThat(keyed.id(0)).isNotEqualTo(plain.id(0)).isNotEqualTo(otherKey.id(0));
    }

    @Test
    void readsItsOwnValue() {
        StickyCookies c = new StickyCookies(StickyCookieConfig.insert("srv"), SERVERS);
        long read = c.read(c.value(1, 0, 0), T0);
        assertThat(StickyCookies.status(read)).isEqualTo(CookieStatus.VALID);
        assertThat(StickyCookies.server(read)).isEqualTo(1);
        assertThat(StickyCookies.needsRefresh(read)).isFalse();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "'', INVALID",
        "deadbeef, SERVER_UNKNOWN",
        "node1, SERVER_UNKNOWN",
        "DEADBEEF, SERVER_UNKNOWN",
        "deadbeef.x, SERVER_UNKNOWN",
        "dead/beef, INVALID",
        "0123456789abcdef0123456789abcdef0, INVALID",
        "'a b', INVALID",
        "'é', INVALID",
    })
    void classifiesForeignValues(String value, CookieStatus expected) {
        StickyCookies c = new StickyCookies(StickyCookieConfig.insert("srv"), SERVERS);
        assertThat(StickyCookies.status(c.read(value, T0))).isEqualTo(expected);
        assertThat(StickyCookies.server(c.read(value, T0))).isEqualTo(-1);
    }

    @Test
    void noCookieIsNone() {
        StickyCookies c = new StickyCookies(StickyCookieConfig.insert("srv"), SERVERS);
        assertThat(StickyCookies.status(c.read(null, T0))).isEqualTo(CookieStatus.NONE);
    }

    @Test
    void signedValuesVerifyAndTamperingIsInvalid() {
        StickyCookies c = new StickyCookies(config(Duration.ofHours(1), Duration.ZERO, KEY), SERVERS);
        String good = c.value(2, T0 / 1000, T0 / 1000);
        assertThat(StickyCookies.status(c.read(good, T0))).isEqualTo(CookieStatus.VALID);
        assertThat(StickyCookies.server(c.read(good, T0))).isEqualTo(2);

        String otherServer = c.id(0) + good.substring(8);
        char last = good.charAt(good.length() - 1);
        String flippedTag = good.substring(0, good.length() - 1) + (last == '0' ? '1' : '0');
        String laterDate = good.replace(Long.toHexString(T0 / 1000), Long.toHexString(T0 / 1000 + 3600));
        for (String forged : List.of(otherServer, flippedTag, laterDate, c.id(2), good + "0", good.toUpperCase())) {
            assertThat(StickyCookies.status(c.read(forged, T0))).as(forged).isEqualTo(CookieStatus.INVALID);
        }
        StickyCookies otherKey = new StickyCookies(config(Duration.ofHours(1), Duration.ZERO, KEY + "x"), SERVERS);
        assertThat(StickyCookies.status(otherKey.read(good, T0))).isEqualTo(CookieStatus.INVALID);
    }

    @Test
    void aSignedCookieOfARemovedServerIsUnknownAndAForgedOneInvalid() {
        // The tag of an id no server has is computed from the value itself, not from a precomputed server state.
        StickyCookies before = new StickyCookies(config(Duration.ofHours(1), Duration.ZERO, KEY), SERVERS);
        StickyCookies after = new StickyCookies(config(Duration.ofHours(1), Duration.ZERO, KEY), SERVERS.subList(0, 2));
        String removed = before.value(2, T0 / 1000, T0 / 1000);
        assertThat(StickyCookies.status(after.read(removed, T0))).isEqualTo(CookieStatus.SERVER_UNKNOWN);
        String forged = "0badc0de" + removed.substring(8);
        assertThat(StickyCookies.status(after.read(forged, T0))).isEqualTo(CookieStatus.INVALID);
        // Undated signed values of removed servers too, and dates past 2106 take the two-word form.
        StickyCookies undated = new StickyCookies(config(Duration.ZERO, Duration.ZERO, KEY), SERVERS);
        StickyCookies undatedAfter = new StickyCookies(config(Duration.ZERO, Duration.ZERO, KEY), SERVERS.subList(0, 2));
        assertThat(StickyCookies.status(undatedAfter.read(undated.value(2, 0, 0), T0)))
                .isEqualTo(CookieStatus.SERVER_UNKNOWN);
        long far = 1L << 33;
        assertThat(StickyCookies.status(before.read(before.value(1, far, far), far * 1000)))
                .isEqualTo(CookieStatus.VALID);
    }

    @Test
    void removingTheKeyKeepsIdsButNotAnUnsignedReading() {
        // With a key, ids are keyed: an unsigned config does not know them, so such cookies are re-balanced once.
        StickyCookies keyed = new StickyCookies(config(Duration.ZERO, Duration.ZERO, KEY), SERVERS);
        StickyCookies plain = new StickyCookies(StickyCookieConfig.insert("srv"), SERVERS);
        assertThat(StickyCookies.status(plain.read(keyed.value(0, 0, 0), T0))).isEqualTo(CookieStatus.SERVER_UNKNOWN);
    }

    /** Seconds since the cookie's dates -> status and refresh, with max-idle 1h and max-life 1d. */
    @ParameterizedTest(name = "first -{0}s, last -{1}s -> {2}, refresh {3}")
    @CsvSource({
        "0, 0, VALID, false",
        "899, 899, VALID, false",
        "900, 900, VALID, true",
        "3600, 3600, VALID, true",
        "3601, 3601, EXPIRED, false",
        "86400, 10, VALID, false",
        "86401, 10, EXPIRED, false",
    })
    void appliesMaxIdleAndMaxLife(long firstAgo, long lastAgo, CookieStatus expected, boolean refresh) {
        StickyCookies c = new StickyCookies(config(Duration.ofHours(1), Duration.ofDays(1), null), SERVERS);
        long now = T0 / 1000;
        long read = c.read(c.value(0, now - firstAgo, now - lastAgo), T0);
        assertThat(StickyCookies.status(read)).isEqualTo(expected);
        assertThat(StickyCookies.needsRefresh(read)).isEqualTo(refresh);
        if (expected == CookieStatus.VALID) {
            assertThat(StickyCookies.firstSeen(read)).isEqualTo(now - firstAgo);
        }
    }

    @Test
    void aCookieWithoutDatesIsAcceptedOnceAndGetsDates() {
        StickyCookies c = new StickyCookies(config(Duration.ofHours(1), Duration.ZERO, null), SERVERS);
        long read = c.read(c.id(1), T0);
        assertThat(StickyCookies.status(read)).isEqualTo(CookieStatus.VALID);
        assertThat(StickyCookies.needsRefresh(read)).isTrue();
        assertThat(StickyCookies.firstSeen(read)).isEqualTo(T0 / 1000);
    }

    @ParameterizedTest
    @CsvSource({".zz.1", ".1", ".2.1", "..", ".1.", ".1234567890abc.1234567890abc"})
    void malformedDatesAreInvalid(String suffix) {
        StickyCookies c = new StickyCookies(config(Duration.ofHours(1), Duration.ZERO, null), SERVERS);
        assertThat(StickyCookies.status(c.read(c.id(0) + suffix, T0))).isEqualTo(CookieStatus.INVALID);
    }

    @Test
    void setCookieCarriesTheAttributes() {
        StickyCookieConfig cfg = new StickyCookieConfig(
                "srv", true, true, true, true, "example.com", Duration.ZERO, Duration.ZERO, null);
        StickyCookies c = new StickyCookies(cfg, SERVERS);
        assertThat(c.setCookie(0, T0)).isEqualTo("srv=" + c.id(0) + "; Path=/; Domain=example.com; HttpOnly; Secure");
        StickyCookies bare = new StickyCookies(
                new StickyCookieConfig("srv", false, false, false, false, null, null, null), SERVERS);
        assertThat(bare.setCookie(1, T0)).isEqualTo("srv=" + c.id(1) + "; Path=/");
    }

    @Test
    void datedValueKeepsFirstSeenWhenRefreshed() {
        StickyCookies c = new StickyCookies(config(Duration.ofHours(1), Duration.ZERO, null), SERVERS);
        String header = c.setCookie(0, 100, 5000_000L);
        assertThat(header).startsWith("srv=" + c.id(0) + ".64.1388;");
    }

    @ParameterizedTest(name = "[{0}] -> [{1}]")
    @CsvSource(value = {
        "srv=abc | null",
        "a=1; srv=abc | a=1",
        "srv=abc; a=1 | a=1",
        "a=1; srv=abc; b=2 | a=1; b=2",
        "a=1;srv=abc;b=2 | a=1; b=2",
        "a=1; srv=x; srv=y | a=1",
        "a=1; srvx=2 | a=1; srvx=2",
        "xsrv=1 | xsrv=1",
        "  srv=abc ;  | null",
    }, delimiter = '|', nullValues = "null")
    void stripsOurCookieOnly(String header, String expected) {
        assertThat(StickyCookies.strip(header, "srv")).isEqualTo(expected);
    }

    @Test
    void stripReturnsTheSameHeaderWhenAbsent() {
        String header = "a=1; b=2";
        assertThat(StickyCookies.strip(header, "srv")).isSameAs(header);
        assertThat(StickyCookies.strip(null, "srv")).isNull();
    }

    @ParameterizedTest(name = "[{0}] -> [{1}]")
    @CsvSource(value = {
        "srv=abc | abc",
        "a=1; srv=abc | abc",
        "a=1;srv=abc ;b=2 | abc",
        "srvx=1; srv=2 | 2",
        "srv=\"q\" | q",
        "a=1 | null",
        "srv | null",
    }, delimiter = '|', nullValues = "null")
    void findsTheFirstValue(String header, String expected) {
        assertThat(StickyCookies.find(header, "srv")).isEqualTo(expected);
    }

    @Test
    void rejectsShortKeysAndBadNames() {
        assertThatThrownBy(() -> config(Duration.ZERO, Duration.ZERO, "short"))
                .hasMessageContaining("key has 5 characters");
        assertThatThrownBy(() -> StickyCookieConfig.insert("a;b")).hasMessageContaining("not allowed");
        assertThat(config(Duration.ZERO, Duration.ZERO, KEY).toString()).doesNotContain("secret");
    }

    @Test
    void explicitServerCookiesKeepHaproxySessions() {
        StickyCookies c = new StickyCookies(StickyCookieConfig.insert("srv"), SERVERS,
                Arrays.asList("server-pro-ha-1", null, "s3"));
        assertThat(c.id(0)).isEqualTo("server-pro-ha-1");
        assertThat(c.id(1)).hasSize(8);
        assertThat(StickyCookies.server(c.read("server-pro-ha-1", T0))).isEqualTo(0);
        assertThat(StickyCookies.server(c.read("s3", T0))).isEqualTo(2);
        assertThat(StickyCookies.status(c.read("s4", T0))).isEqualTo(CookieStatus.SERVER_UNKNOWN);
        StickyCookies dated = new StickyCookies(config(Duration.ofHours(1), Duration.ZERO, KEY), SERVERS,
                Arrays.asList("server-pro-ha-1", null, null));
        long now = T0 / 1000;
        assertThat(StickyCookies.server(dated.read(dated.value(0, now, now), T0))).isEqualTo(0);
        assertThatThrownBy(() -> new StickyCookies(StickyCookieConfig.insert("srv"), SERVERS,
                        Arrays.asList("same", "same", null)))
                .hasMessageContaining("servers node1 and node2 have the same cookie id same");
    }
}
