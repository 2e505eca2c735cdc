package dev.tether.routing.match;

import java.util.Arrays;

/**
 * Reads eight hex digits at a time: the chars go into the bytes of one {@code long}, and one pass of word-wide
 * arithmetic (SWAR, "SIMD within a register") checks all eight and turns them into a 32-bit value. The UUID scan
 * and the sticky cookie read 32 to 40 digits per request; one char at a time, each digit is a table look-up and a
 * shift in a dependent chain, which was most of their cost.
 *
 * <p>Per byte {@code b} (every char is first checked to be below 0x80, so a byte's arithmetic never carries into
 * the next): {@code b + 0x50} has its top bit set exactly when {@code b >= '0'}, {@code b + 0x46} when
 * {@code b > '9'}, and the same with the bounds of {@code a..f} tells a letter. A letter's value is its low four
 * bits plus 9 ({@code 'a'} is 0x61, {@code 'A'} 0x41); bit 6 tells letters from digits. Three shift-and-mask
 * steps then gather the eight nibbles, first char highest.
 */
public final class HexDigits {

    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;

    private HexDigits() {}

    /**
     * The value of the eight hex digits {@code s[at, at+4)} and {@code s[at2, at2+4)}, read as one number (so a
     * UUID's groups can be read across its dashes), or -1 when one of them is not a hex digit.
     *
     * @param anyCase whether {@code A-F} count as digits too (else only {@code a-f})
     * @throws IndexOutOfBoundsException when a region is not inside {@code s}
     */
    public static long eight(String s, int at, int at2, boolean anyCase) {
        int c0 = s.charAt(at);
        int c1 = s.charAt(at + 1);
        int c2 = s.charAt(at + 2);
        int c3 = s.charAt(at + 3);
        int c4 = s.charAt(at2);
        int c5 = s.charAt(at2 + 1);
        int c6 = s.charAt(at2 + 2);
        int c7 = s.charAt(at2 + 3);
        if ((c0 | c1 | c2 | c3 | c4 | c5 | c6 | c7) >= 0x80) {
            return -1;
        }
        long word = c0 | c1 << 8 | c2 << 16 | (long) c3 << 24
                | (long) c4 << 32 | (long) c5 << 40 | (long) c6 << 48 | (long) c7 << 56;
        return decode(word, anyCase);
    }

    /** The value of the eight hex digits {@code s[at, at+8)}, or -1; see {@link #eight(String, int, int, boolean)}. */
    public static long eight(String s, int at, boolean anyCase) {
        return eight(s, at, at + 4, anyCase);
    }

    /**
     * The value of one hex digit, or -1 (also for any char above the low byte, whatever its low byte).
     *
     * @param anyCase whether {@code A-F} count as digits too (else only {@code a-f})
     */
    public static int value(char c, boolean anyCase) {
        // Branch-free when anyCase: a bit above the low byte turns the result into -1, and the masked index needs
        // no range check.
        return anyCase || c < 'A' || c > 'F' ? VALUES[c & 0xff] | -(c >>> 8) >> 31 : -1;
    }

    private static final byte[] VALUES = new byte[256];

    static {
        Arrays.fill(VALUES, (byte) -1);
        for (int d = 0; d < 16; d++) {
            VALUES["0123456789abcdef".charAt(d)] = (byte) d;
            VALUES["0123456789ABCDEF".charAt(d)] = (byte) d;
        }
    }

    /**
     * The value of eight ASCII chars packed in a word, first char in the lowest byte, or -1 when one is not a hex
     * digit. Every byte must be below 0x80.
     */
    static long decode(long word, boolean anyCase) {
        long digit = (word + 0x50 * ONES) & ~(word + 0x46 * ONES);
        long letters = anyCase ? word | 0x20 * ONES : word;
        long letter = (letters + 0x1f * ONES) & ~(letters + 0x19 * ONES);
        if (((digit | letter) & HIGH_BITS) != HIGH_BITS) {
            return -1;
        }
        long nibbles = (word & 0x0f * ONES) + ((word >>> 6) & ONES) * 9;
        long n = Long.reverseBytes(nibbles); // first char in the highest byte
        n = (n | n >>> 4) & 0x00ff00ff00ff00ffL;
        n = (n | n >>> 8) & 0x0000ffff0000ffffL;
        return (n | n >>> 16) & 0xffffffffL;
    }
}
