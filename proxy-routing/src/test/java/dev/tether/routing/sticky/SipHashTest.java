package dev.tether.routing.sticky;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SipHashTest {

    /** Vectors from the SipHash paper's reference implementation: key 00..0f, message 00..(n-1). */
    @ParameterizedTest
    @CsvSource({"0, 726fdb47dd0e0e31", "1, 74f839c593dc67fd", "7, ab0200f58b01d137", "8, 93f5f5799a932462",
            "15, a129ca6149be45e5", "16, 3f2acc7f57c29bdb"})
    void matchesReferenceVectors(int length, String expected) {
        byte[] key = new byte[16];
        for (int i = 0; i < 16; i++) {
            key[i] = (byte) i;
        }
        StringBuilder message = new StringBuilder();
        for (int i = 0; i < length; i++) {
            message.append((char) i);
        }
        assertThat(Long.toHexString(SipHash.of(key).hash(message))).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void hashesARegionLikeTheSubstring() {
        SipHash h = new SipHash(1, 2);
        assertThat(h.hash("xxabcdefghijyy", 2, 12)).isEqualTo(h.hash("abcdefghij"));
    }

    /**
     * hashPadded and absorbPadded + hashFrom are SipHash-2-4 of one well-defined byte string: the id zero-padded to
     * 8 bytes, the words little-endian, the id's length. Checked against the plain hash of that string.
     */
    @ParameterizedTest
    @CsvSource({"'', 0", "a, 0", "a, 1", "abcdefgh, 1", "abcdefgh, 2", "abcdefghi, 1",
            "0123456789abcdef0123456789ABCDEF, 2", "node_2-B, 0"})
    void paddedFormsHashTheDefinedByteString(String id, int words) {
        SipHash h = new SipHash(0x0706050403020100L, 0x0f0e0d0c0b0a0908L);
        long w0 = 0x6b49d2006b49d2ffL;
        long w1 = 0x0000000100000002L;
        StringBuilder bytes = new StringBuilder("xx").append(id);
        while ((bytes.length() - 2) % 8 != 0) {
            bytes.append((char) 0);
        }
        for (int w = 0; w < words; w++) {
            long v = w == 0 ? w0 : w1;
            for (int i = 0; i < 8; i++) {
                bytes.append((char) ((v >>> (8 * i)) & 0xff));
            }
        }
        bytes.append((char) id.length());
        long expected = h.hash(bytes, 2, bytes.length());

        String padded = "xx" + id + "yy";
        assertThat(h.hashPadded(padded, 2, 2 + id.length(), words, w0, w1)).isEqualTo(expected);
        long[] state = new long[8];
        h.absorbPadded(id, 0, id.length(), state, 4);
        assertThat(SipHash.hashFrom(state, 4, id.length(), words, w0, w1)).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void anIdAndItsDatesNeverHashLikeALongerIdWithout() {
        SipHash h = new SipHash(3, 4);
        // "abcdefgh" + the word whose bytes spell "ijklmnop" must differ from the undated id "abcdefghijklmnop".
        long w = 0;
        for (int i = 7; i >= 0; i--) {
            w = (w << 8) | ("ijklmnop".charAt(i));
        }
        assertThat(h.hashPadded("abcdefgh", 0, 8, 1, w, 0))
                .isNotEqualTo(h.hashPadded("abcdefghijklmnop", 0, 16, 0, 0, 0));
    }
}
