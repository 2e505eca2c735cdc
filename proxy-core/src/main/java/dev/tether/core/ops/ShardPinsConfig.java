package dev.tether.core.ops;

import java.time.Duration;

/**
 * {@code tether.shard-pins}: how long a moved shard key stays on its old server after its last request, and how
 * many keys the table holds (see {@link ShardPinTable}).
 *
 * @param pinIdle a key idle this long follows the map (24 h by default)
 * @param maxKeys bound of the table; a key evicted for size before it was idle that long loses its pin
 */
public record ShardPinsConfig(Duration pinIdle, long maxKeys) {

    public ShardPinsConfig {
        if (pinIdle == null || pinIdle.isNegative() || pinIdle.isZero()) {
            throw new IllegalArgumentException("shard-pins.pin-idle = " + pinIdle + " (expected a duration above 0)");
        }
        if (maxKeys < 1) {
            throw new IllegalArgumentException("shard-pins.max-keys = " + maxKeys + " (expected at least 1)");
        }
    }

    public static ShardPinsConfig defaults() {
        return new ShardPinsConfig(ShardPinTable.DEFAULT_PIN_IDLE, ShardPinTable.DEFAULT_MAX_KEYS);
    }
}
