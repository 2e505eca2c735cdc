package dev.tether.routing.match;


/**
 * Open-addressing map from hex prefixes of one fixed length (1 to 32 digits, held as two longs) to an int.
 * Built once, read without allocation.
 *
 * <p>Each slot is three adjacent longs (value, hi, lo) in one array, so a probe of a large table costs one cache
 * miss rather than one per field.
 */
final class HexPrefixTable {

    private final long[] slots;
    private final int mask;

    HexPrefixTable(int capacity) {
        int size = Integer.highestOneBit(Math.max(2, capacity * 2) - 1) << 1;
        slots = new long[size * 3];
        for (int s = 0; s < slots.length; s += 3) {
            slots[s] = -1;
        }
        mask = size - 1;
    }

    void put(long h, long l, int value) {
        int s = slot(h, l);
        while (slots[3 * s] >= 0 && (slots[3 * s + 1] != h || slots[3 * s + 2] != l)) {
            s = (s + 1) & mask;
        }
        slots[3 * s] = value;
        slots[3 * s + 1] = h;
        slots[3 * s + 2] = l;
    }

    int get(long h, long l) {
        int s = slot(h, l);
        long v;
        while ((v = slots[3 * s]) >= 0) {
            if (slots[3 * s + 1] == h && slots[3 * s + 2] == l) {
                return (int) v;
            }
            s = (s + 1) & mask;
        }
        return -1;
    }

    private int slot(long h, long l) {
        long x = h * 0x9E3779B97F4A7C15L + l;
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        return (int) x & mask;
    }
}
