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
}
