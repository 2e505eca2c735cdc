package dev.tether.routing.match;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HexDigitsTest {

    // Hex digits of both cases, their neighbours in ASCII, and chars above 0xff whose low byte is a digit.
    private static final String CHARS = "0123456789abcdefABCDEF/:@`gG-.\u0000\u007f\u0080\u00e9\u0130\u0161\u0241\uff30";

    /** Random eight-char strings, each char a digit most of the time: the answer is Long.parseLong's, or -1. */
    @Test
    void agreesWithParseLong() {
        Random random = new Random(11);
        for (int round = 0; round < 500_000; round++) {
            char[] chars = new char[10];
            for (int k = 0; k < chars.length; k++) {
                chars[k] = random.nextInt(8) == 0 ? CHARS.charAt(random.nextInt(CHARS.length()))
                        : "0123456789abcdefABCDEF".charAt(random.nextInt(22));
            }
            String s = new String(chars);
            String digits = s.substring(1, 9);
            assertThat(HexDigits.eight(s, 1, true)).as(digits).isEqualTo(expected(digits, true));
            assertThat(HexDigits.eight(s, 1, false)).as(digits).isEqualTo(expected(digits, false));
        }
    }

    private static long expected(String digits, boolean anyCase) {
        for (char c : digits.toCharArray()) {
            boolean hex = c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || anyCase && c >= 'A' && c <= 'F';
            if (!hex) {
                return -1;
            }
        }
        return Long.parseLong(digits, 16);
    }

    /** Every char: a digit's value (upper case only when asked), else -1, also for chars whose low byte is one. */
    @Test
    void readsOneDigit() {
        for (int c = 0; c <= 0xffff; c++) {
            boolean ascii = c < 0x80;
            int digit = ascii ? Character.digit(c, 16) : -1;
            int lower = c >= 'A' && c <= 'F' ? -1 : digit;
            assertThat(HexDigits.value((char) c, true)).as("U+%04X", c).isEqualTo(digit);
            assertThat(HexDigits.value((char) c, false)).as("U+%04X", c).isEqualTo(lower);
        }
    }

    @ParameterizedTest
    @CsvSource({
        "00000000, 0",
        "ffffffff, 4294967295",
        "FFFFFFFF, 4294967295",
        "0123abcd, 19114957",
        "89ABcdEF, 2309737967",
    })
    void readsEightDigits(String digits, long value) {
        assertThat(HexDigits.eight(digits, 0, true)).isEqualTo(value);
    }

    @Test
    void readsTwoGroupsAcrossADash() {
        assertThat(HexDigits.eight("x66e2-4c4ey", 1, 6, false)).isEqualTo(0x66e24c4eL);
    }

    @Test
    void upperCaseOnlyWhenAsked() {
        assertThat(HexDigits.eight("ABCDEF12", 0, false)).isEqualTo(-1);
        assertThat(HexDigits.eight("abcdef12", 0, false)).isEqualTo(0xabcdef12L);
    }

    @Test
    void aCharAboveTheLowByteIsNotADigit() {
        // U+0130 and U+FF30 have the low byte of '0'; U+0241 that of 'A'.
        assertThat(HexDigits.eight("0000000\u0130", 0, true)).isEqualTo(-1);
        assertThat(HexDigits.eight("\uff300000000", 0, true)).isEqualTo(-1);
        assertThat(HexDigits.eight("000\u02410000", 0, true)).isEqualTo(-1);
    }

    @Test
    void aRegionPastTheEndThrows() {
        assertThatThrownBy(() -> HexDigits.eight("1234567", 0, true)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
