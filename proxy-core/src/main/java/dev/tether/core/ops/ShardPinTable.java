package dev.tether.core.ops;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.tether.routing.ShardPins;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which server each recently used shard key (base UUID) was routed to, so that a shard-map change cannot open a base
 * on a second server while the first still holds it (SeaTable's dtable-servers each keep their bases in memory and
 * write them back: two copies overwrite each other).
 *
 * <p>Every routed key is remembered with the server it went to; an entry expires after {@code pinIdle} without a
 * request (Caffeine's expire-after-access, default 24 h). When the map (after a reload) names another server for a
 * key that is still remembered, the key keeps going to its old server, and each request extends the pin; once the
 * base has been idle for {@code pinIdle}, its entry is gone and the next request follows the new map. A key whose
 * old server was removed from the configuration follows the new map at once. An operator who restarted the old
 * server (so it holds nothing) can {@link #release} a key, or all of them, to move them now.
 *
 * <p>Limits: the table is bounded by {@code maxKeys} (about 150 bytes per key); a key evicted for size before it was
 * idle long enough loses its pin, so size it above the number of bases active within {@code pinIdle}. Pins live in
 * this process only: several Tether nodes each keep their own (see docs/operations.md for the procedure).
 *
 * <p>The live {@code Router} asks {@link #route} for every request a {@code uuid-map} rule routes; the dry run asks
 * {@link #readOnly()}.
 */
public final class ShardPinTable implements ShardPins {

    private static final Logger log = LoggerFactory.getLogger(ShardPinTable.class);

    public static final Duration DEFAULT_PIN_IDLE = Duration.ofHours(24);
    public static final long DEFAULT_MAX_KEYS = 1_000_000;

    /** A shard key of one rule: its 128 bits (up to 32 hex digits, left-aligned) so case and dashes do not count. */
    record Key(String rule, long hi, long lo, int digits) {}

    /** Where a key is pinned, and what the map said the last time it was routed. */
    record Entry(String server, String mapped) {}

    /**
     * A pin as the admin API lists it.
     *
     * @param rule the uuid-map rule
     * @param key the key as 32 (or fewer) lower-case hex digits
     * @param server where its requests go
     * @param mapped where the current map would send it
     * @param idle time since its last request
     */
    public record Pin(String rule, String key, String server, String mapped, Duration idle) {
        public boolean moved() {
            return !server.equals(mapped);
        }
    }

    private final Cache<Key, Entry> pins;
    private volatile Duration pinIdle;

    public ShardPinTable(Duration pinIdle, long maxKeys, Ticker ticker) {
        if (pinIdle.isNegative() || pinIdle.isZero() || maxKeys < 1) {
            throw new IllegalArgumentException("pin-idle = " + pinIdle + ", max-keys = " + maxKeys
                    + " (expected a positive duration and at least 1)");
        }
        this.pinIdle = pinIdle;
        this.pins = Caffeine.newBuilder().expireAfterAccess(pinIdle).maximumSize(maxKeys).ticker(ticker).build();
    }

    public ShardPinTable() {
        this(DEFAULT_PIN_IDLE, DEFAULT_MAX_KEYS, Ticker.systemTicker());
    }

    public ShardPinTable(ShardPinsConfig config) {
        this(config.pinIdle(), config.maxKeys(), Ticker.systemTicker());
    }

    /** Applies new settings (a reload) to the keys already remembered: nothing is forgotten but what no longer fits. */
    public void reconfigure(ShardPinsConfig config) {
        pins.policy().expireAfterAccess().orElseThrow().setExpiresAfter(config.pinIdle());
        pins.policy().eviction().orElseThrow().setMaximum(config.maxKeys());
        pinIdle = config.pinIdle();
    }

    /**
     * Returns the pinned server when {@code key} is pinned elsewhere than {@code mapped} and that server still
     * exists; otherwise {@code mapped}, which the key is then pinned to. Either way the pin's idle time restarts.
     * A key without a hex digit is not pinned.
     */
    @Override
    public String route(String rule, CharSequence key, String mapped, Predicate<String> exists) {
        Key k = key(rule, key);
        if (k == null) {
            return mapped;
        }
        Entry e = pins.getIfPresent(k); // restarts the idle time
        if (e == null) {
            pins.put(k, new Entry(mapped, mapped));
            return mapped;
        }
        if (e.server().equals(mapped)) {
            if (!e.mapped().equals(mapped)) {
                pins.put(k, new Entry(mapped, mapped));
            }
            return mapped;
        }
        if (!exists.test(e.server())) {
            log.info("shard key {} of rule {}: pinned server {} is gone; follows the map to {}", hex(k), rule,
                    e.server(), mapped);
            pins.put(k, new Entry(mapped, mapped));
            return mapped;
        }
        if (!e.mapped().equals(mapped)) {
            log.info("shard key {} of rule {} stays on {} while active (the map now says {}; moves after {} idle)",
                    hex(k), rule, e.server(), mapped, pinIdle);
            pins.put(k, new Entry(e.server(), mapped));
        }
        return e.server();
    }

    /**
     * The same answers without remembering anything or extending any pin: for the dry run ({@code /api/route}),
     * which must not pin a key nobody used.
     */
    public ShardPins readOnly() {
        return (rule, key, mapped, exists) -> {
            Key k = key(rule, key);
            Entry e = k == null ? null : pins.policy().getIfPresentQuietly(k);
            return e != null && !e.server().equals(mapped) && exists.test(e.server()) ? e.server() : mapped;
        };
    }

    /** Forgets one key's pin: its next request follows the map. Returns whether there was one. */
    public boolean release(String rule, String key) {
        Key k = key(rule, key);
        return k != null && pins.asMap().remove(k) != null;
    }

    /** Forgets every pin that disagrees with the map (of {@code rule}, or of all rules when {@code null}). */
    public int releaseMoved(String rule) {
        int released = 0;
        for (Map.Entry<Key, Entry> e : pins.asMap().entrySet()) {
            if ((rule == null || e.getKey().rule().equals(rule)) && !e.getValue().server().equals(e.getValue().mapped())
                    && pins.asMap().remove(e.getKey(), e.getValue())) {
                released++;
            }
        }
        return released;
    }

    /** Pins that keep a key away from where the map sends it, most recently used first, at most {@code limit}. */
    public List<Pin> moved(int limit) {
        Policy.FixedExpiration<Key, Entry> expiry = pins.policy().expireAfterAccess().orElseThrow();
        List<Pin> out = new ArrayList<>();
        for (Map.Entry<Key, Entry> e : pins.asMap().entrySet()) {
            Entry v = e.getValue();
            if (!v.server().equals(v.mapped())) {
                Duration idle = expiry.ageOf(e.getKey()).orElse(Duration.ZERO);
                out.add(new Pin(e.getKey().rule(), hex(e.getKey()), v.server(), v.mapped(), idle));
            }
        }
        out.sort(Comparator.comparing(Pin::idle));
        return out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
    }

    /** Keys remembered (moved or not); approximate. */
    public long size() {
        return pins.estimatedSize();
    }

    public Duration pinIdle() {
        return pinIdle;
    }

    /** Runs pending expiry now (tests with a fake ticker). */
    void cleanUp() {
        pins.cleanUp();
    }

    static Key key(String rule, CharSequence key) {
        long hi = 0;
        long lo = 0;
        int digits = 0;
        for (int i = 0; i < key.length() && digits < 32; i++) {
            char c = key.charAt(i);
            if (c == '-') {
                continue;
            }
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0) {
                break;
            }
            if (digits < 16) {
                hi |= (long) d << (60 - 4 * digits);
            } else {
                lo |= (long) d << (60 - 4 * (digits - 16));
            }
            digits++;
        }
        return digits == 0 ? null : new Key(rule, hi, lo, digits);
    }

    static String hex(Key k) {
        String all = String.format("%016x%016x", k.hi(), k.lo());
        return all.substring(0, k.digits());
    }
}
