package dev.tether.routing.sticky;

/**
 * SipHash-2-4 (Aumasson and Bernstein, 2012) over the low byte of each char of a string region.
 *
 * <p>SipHash is a keyed pseudo-random function built for short inputs: it signs cookie values and derives server
 * ids in tens of nanoseconds and allocates nothing, where an HMAC-SHA256 costs about a microsecond. Its 64-bit tag
 * means a forger needs on the order of 2^63 online guesses. Inputs are ASCII (cookie values are), so only the low
 * byte of each char is hashed; callers reject other characters first.
 */
public final class SipHash {

    private final long k0;
    private final long k1;

    /** A function keyed with the 16-byte key {@code k0 || k1}, each half little-endian. */
    public SipHash(long k0, long k1) {
        this.k0 = k0;
        this.k1 = k1;
    }

    /** A function keyed with the first 16 bytes of {@code key}, read little-endian. */
    public static SipHash of(byte[] key) {
        if (key.length < 16) {
            throw new IllegalArgumentException("SipHash needs a 16-byte key, got " + key.length);
        }
        return new SipHash(littleEndian(key, 0), littleEndian(key, 8));
    }

    /** Hashes the whole string. */
    public long hash(CharSequence s) {
        return hash(s, 0, s.length());
    }

    /** Hashes the chars {@code from} (inclusive) to {@code to} (exclusive). */
    public long hash(CharSequence s, int from, int to) {
        long v0 = k0 ^ 0x736f6d6570736575L;
        long v1 = k1 ^ 0x646f72616e646f6dL;
        long v2 = k0 ^ 0x6c7967656e657261L;
        long v3 = k1 ^ 0x7465646279746573L;
        int len = to - from;
        int end = from + (len & ~7);
        for (int i = from; i < end; i += 8) {
            long m = word(s, i, 8);
            v3 ^= m;
            for (int r = 0; r < 2; r++) {
                v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
                v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
                v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
                v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            }
            v0 ^= m;
        }
        long b = ((long) len << 56) | word(s, end, to - end);
        v3 ^= b;
        for (int r = 0; r < 2; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        v0 ^= b;
        v2 ^= 0xff;
        for (int r = 0; r < 4; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }

    /**
     * SipHash-2-4 of the bytes {@code pad(s[from, to)) || w0 || w1 || n}: the low byte of each char, zero-padded to
     * a multiple of 8 bytes, then the first {@code words} (0, 1 or 2) of {@code w0}, {@code w1} as little-endian
     * 64-bit words, then one byte {@code n = to - from} (below 256). The trailing length makes the encoding
     * unambiguous: no string and words give the bytes of another string and other words. Cookie tags sign the
     * server id this way and the dates as the numbers already parsed, so checking a tag reads no date characters, and
     * a known server's part is absorbed once ({@link #absorbPadded}).
     */
    public long hashPadded(CharSequence s, int from, int to, int words, long w0, long w1) {
        long v0 = k0 ^ 0x736f6d6570736575L;
        long v1 = k1 ^ 0x646f72616e646f6dL;
        long v2 = k0 ^ 0x6c7967656e657261L;
        long v3 = k1 ^ 0x7465646279746573L;
        for (int i = from; i < to; i += 8) {
            long m = word(s, i, Math.min(8, to - i));
            v3 ^= m;
            for (int r = 0; r < 2; r++) {
                v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
                v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
                v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
                v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            }
            v0 ^= m;
        }
        return finish(v0, v1, v2, v3, to - from, words, w0, w1);
    }

    /**
     * Stores in {@code state[at..at+3]} the SipHash state after {@code pad(s[from, to))}, so that
     * {@link #hashFrom} can finish {@link #hashPadded} for that prefix without reading it again.
     */
    public void absorbPadded(CharSequence s, int from, int to, long[] state, int at) {
        long v0 = k0 ^ 0x736f6d6570736575L;
        long v1 = k1 ^ 0x646f72616e646f6dL;
        long v2 = k0 ^ 0x6c7967656e657261L;
        long v3 = k1 ^ 0x7465646279746573L;
        for (int i = from; i < to; i += 8) {
            long m = word(s, i, Math.min(8, to - i));
            v3 ^= m;
            for (int r = 0; r < 2; r++) {
                v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
                v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
                v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
                v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            }
            v0 ^= m;
        }
        state[at] = v0;
        state[at + 1] = v1;
        state[at + 2] = v2;
        state[at + 3] = v3;
    }

    /**
     * Finishes {@link #hashPadded} from a state {@link #absorbPadded} stored at {@code state[at]} for a string of
     * {@code length} chars.
     */
    public static long hashFrom(long[] state, int at, int length, int words, long w0, long w1) {
        return finish(state[at], state[at + 1], state[at + 2], state[at + 3], length, words, w0, w1);
    }

    private static long finish(long v0, long v1, long v2, long v3, int length, int words, long w0, long w1) {
        for (int w = 0; w < words; w++) {
            long m = w == 0 ? w0 : w1;
            v3 ^= m;
            for (int r = 0; r < 2; r++) {
                v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
                v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
                v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
                v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            }
            v0 ^= m;
        }
        // Every block so far was full: the last holds the length byte, and the total length mod 256 on top.
        long b = ((long) (((length + 7) & ~7) + 8 * words + 1) << 56) | (length & 0xff);
        v3 ^= b;
        for (int r = 0; r < 2; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        v0 ^= b;
        v2 ^= 0xff;
        for (int r = 0; r < 4; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }

    private static long word(CharSequence s, int from, int count) {
        long m = 0;
        for (int i = 0; i < count; i++) {
            m |= (s.charAt(from + i) & 0xffL) << (8 * i);
        }
        return m;
    }

    private static long littleEndian(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (b[off + i] & 0xffL) << (8 * i);
        }
        return v;
    }
}
