package dev.tether.routing.match;

import java.util.Arrays;

/**
 * Open-addressing map from hex prefixes of one fixed length (1 to 32 digits, held as two longs) to an int.
 * Built once, read without allocation.
 */
final class HexPrefixTable {

    private final long[] hi;
    private final long[] lo;
    private final int[] values;
    private final int mask;

    HexPrefixTable(int capacity) {
        int size = Integer.highestOneBit(Math.max(2, capacity * 2) - 1) << 1;
        hi = new long[size];
        lo = new long[size];
        values = new int[size];
        Arrays.fill(values, -1);
        mask = size - 1;
    }

    void put(long h, long l, int value) {
        int s = slot(h, l);
        while (values[s] >= 0 && (hi[s] != h || lo[s] != l)) {
            s = (s + 1) & mask;
        }
        hi[s] = h;
        lo[s] = l;
        values[s] = value;
    }

    int get(long h, long l) {
        int s = slot(h, l);
        while (values[s] >= 0) {
            if (hi[s] == h && lo[s] == l) {
                return values[s];
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
