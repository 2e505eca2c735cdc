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
