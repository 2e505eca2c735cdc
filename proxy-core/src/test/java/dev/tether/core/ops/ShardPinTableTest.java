package dev.tether.core.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.routing.ShardPins;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Moved shard keys stay on their old server while active and follow the map once idle (fake ticker). */
class ShardPinTableTest {

    private static final String BASE = "ff84e1a1-66e2-4c4e-9d3b-0123456789ab";

    private final AtomicLong nanos = new AtomicLong();
    private final ShardPinTable pins = new ShardPinTable(Duration.ofHours(24), 1000, nanos::get);
    private Set<String> servers = Set.of("ds1", "ds2");

    private String route(String key, String mapped) {
        return pins.route("bases", key, mapped, servers::contains);
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
        pins.cleanUp();
    }

    /**
     * A base used on ds1, then the map moves it to ds2: each row is (hours since the previous request, the server
     * the map names, where the request goes).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            active: stays on its old server           | 1, 1, 23, 23      | ds2, ds2, ds2, ds2 | ds1, ds1, ds1, ds1
            idle a full day: follows the new map      | 1, 25, 1          | ds2, ds2, ds2      | ds1, ds2, ds2
            idle just under a day: still pinned       | 23.9, 23.9        | ds2, ds2           | ds1, ds1
            the map moves it back: back home at once  | 1, 1, 1           | ds2, ds1, ds1      | ds1, ds1, ds1
            """)
    void movedKeyStaysWhileActive(String name, String hours, String mapped, String expected) {
        assertThat(route(BASE, "ds1")).isEqualTo("ds1");
        String[] h = hours.split(",\\s*");
        String[] m = mapped.split(",\\s*");
        String[] e = expected.split(",\\s*");
        for (int i = 0; i < h.length; i++) {
            advance(Duration.ofMillis((long) (Double.parseDouble(h[i]) * 3_600_000)));
            assertThat(route(BASE, m[i])).as("request %d", i + 1).isEqualTo(e[i]);
        }
    }

    @Test
    void newKeysFollowTheMap() {
        route(BASE, "ds1");

        assertThat(route("0a000000-0000-0000-0000-000000000000", "ds2")).isEqualTo("ds2");
        assertThat(route("0a000000-0000-0000-0000-000000000000", "ds2")).isEqualTo("ds2");
    }

    @Test
    void caseAndDashesDoNotMakeAnotherKey() {
        route(BASE, "ds1");

        assertThat(route(BASE.toUpperCase().replace("-", ""), "ds2")).isEqualTo("ds1");
        assertThat(route("no-hex-here", "ds2")).isEqualTo("ds2");
    }

    @Test
    void aRemovedOldServerIsNotWaitedFor() {
        route(BASE, "ds1");
        servers = Set.of("ds2");

        assertThat(route(BASE, "ds2")).isEqualTo("ds2");
        servers = Set.of("ds1", "ds2");
        assertThat(route(BASE, "ds2")).isEqualTo("ds2");
    }

    @Test
    void movedPinsAreListedAndCanBeReleased() {
        route(BASE, "ds1");
        route("1b000000-0000-0000-0000-000000000000", "ds1");
        route(BASE, "ds2");
        advance(Duration.ofMinutes(5));

        assertThat(pins.moved(10)).singleElement().satisfies(p -> {
            assertThat(p.rule()).isEqualTo("bases");
            assertThat(p.key()).isEqualTo("ff84e1a166e24c4e9d3b0123456789ab");
            assertThat(p.server()).isEqualTo("ds1");
            assertThat(p.mapped()).isEqualTo("ds2");
            assertThat(p.idle()).isEqualTo(Duration.ofMinutes(5));
        });

        assertThat(pins.release("bases", BASE)).isTrue();
        assertThat(route(BASE, "ds2")).isEqualTo("ds2");
        assertThat(pins.moved(10)).isEmpty();
        assertThat(pins.release("bases", BASE.replace('f', '0'))).isFalse();
    }

    @Test
    void releaseMovedFreesOnlyMovedKeys() {
        route(BASE, "ds1");
        route("1b000000-0000-0000-0000-000000000000", "ds1");
        route(BASE, "ds2");

        assertThat(pins.releaseMoved(null)).isEqualTo(1);

        assertThat(route(BASE, "ds2")).isEqualTo("ds2");
        assertThat(pins.size()).isEqualTo(2);
    }

    @Test
    void theTableIsBounded() {
        ShardPinTable small = new ShardPinTable(Duration.ofHours(24), 10, nanos::get);
        for (int i = 0; i < 100; i++) {
            small.route("bases", String.format("%08x-0000-0000-0000-000000000000", i), "ds1", s -> true);
        }
        small.cleanUp();

        assertThat(small.size()).isLessThanOrEqualTo(10);
    }

    @Test
    void readOnlyAnswersTheSameButRemembersNothing() {
        route(BASE, "ds1");
        ShardPins peek = pins.readOnly();

        assertThat(peek.route("bases", BASE, "ds2", servers::contains)).isEqualTo("ds1");
        assertThat(peek.route("bases", "1b000000-0000-0000-0000-000000000000", "ds2", servers::contains))
                .isEqualTo("ds2");
        assertThat(pins.size()).isEqualTo(1);
        advance(Duration.ofHours(23));
        peek.route("bases", BASE, "ds2", servers::contains);
        advance(Duration.ofHours(2));
        assertThat(route(BASE, "ds2")).as("a peek does not extend the pin").isEqualTo("ds2");
    }

    @Test
    void aReloadedPinIdleAppliesToKeysAlreadyPinned() {
        route(BASE, "ds1");

        pins.reconfigure(new ShardPinsConfig(Duration.ofHours(1), 1000));
        advance(Duration.ofMinutes(59));
        assertThat(route(BASE, "ds2")).isEqualTo("ds1");
        advance(Duration.ofMinutes(61));

        assertThat(route(BASE, "ds2")).isEqualTo("ds2");
        assertThat(pins.pinIdle()).isEqualTo(Duration.ofHours(1));
    }
}
