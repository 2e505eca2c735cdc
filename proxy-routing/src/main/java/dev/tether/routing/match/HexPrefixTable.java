package dev.tether.routing.match;


/**
 * Open-addressing map from hex prefixes of one fixed length (1 to 32 digits, held as two longs) to a server index.
 * Built once, read without allocation.
 *
 * <p>A prefix of up to 12 digits (48 bits) and its server index (below 65535) share one long per slot, so a table
 * of 100 000 overrides stays a few hundred kilobytes and a probe touches one cache line. Longer prefixes take three
 * adjacent longs per slot (value, hi, lo): still one cache miss per probe, not one per field.
 */
final class HexPrefixTable {

    /** The longest prefix, in digits, whose slots are packed into one long. */
    static final int PACKED_DIGITS = 12;
    /** The number of servers a packed slot can name. */
    static final int MAX_SERVERS = 0xffff;

    private final boolean packed;
    private final long[] slots;
    private final int mask;

    HexPrefixTable(int digits, int capacity) {
        int size = Integer.highestOneBit(Math.max(2, capacity * 2) - 1) << 1;
        packed = digits <= PACKED_DIGITS;
        mask = size - 1;
        if (packed) {
            slots = new long[size]; // 0 is an empty slot: a packed slot holds the server index plus one
        } else {
            slots = new long[size * 3];
            for (int s = 0; s < slots.length; s += 3) {
                slots[s] = -1;
            }
        }
    }

    /** Maps a prefix ({@code h}, {@code l} as {@link #get} takes them) to server {@code value}. */
    void put(long h, long l, int value) {
        if (value < 0 || value >= MAX_SERVERS) {
            throw new IllegalArgumentException("server index " + value + " is not in 0.." + (MAX_SERVERS - 1));
        }
        int s = slot(h, l);
        if (packed) {
            while (slots[s] != 0 && slots[s] >>> 16 != h) {
                s = (s + 1) & mask;
            }
            slots[s] = h << 16 | (value + 1);
            return;
        }
        while (slots[3 * s] >= 0 && (slots[3 * s + 1] != h || slots[3 * s + 2] != l)) {
            s = (s + 1) & mask;
        }
        slots[3 * s] = value;
        slots[3 * s + 1] = h;
        slots[3 * s + 2] = l;
    }

    /**
     * The server of a prefix, or -1. {@code h} holds its first 16 digits right-aligned (all of them when it has 16
     * or fewer), {@code l} the rest right-aligned (0 when none).
     */
    int get(long h, long l) {
        int s = slot(h, l);
        if (packed) {
            long e;
            while ((e = slots[s]) != 0) {
                if (e >>> 16 == h) {
                    return (int) (e & 0xffff) - 1;
                }
                s = (s + 1) & mask;
            }
            return -1;
        }
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
