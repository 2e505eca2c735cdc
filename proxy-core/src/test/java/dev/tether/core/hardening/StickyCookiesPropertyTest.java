package dev.tether.core.hardening;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link StickyCookiesFuzzer}'s property on seeded random values, in the default test run (well under a second). */
class StickyCookiesPropertyTest {

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF.;= ,\"\\\t\u00e9\u0000";

    @Test
    void randomCookieValuesAreAnsweredAndWrittenValuesReadBack() {
        Random random = new Random(9);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder();
            if (random.nextBoolean()) {
                b.append("abcdefgh.").append(Long.toHexString(random.nextInt(Integer.MAX_VALUE)));
            }
            int n = random.nextInt(110);
            for (int j = 0; j < n; j++) {
                b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            StickyCookiesFuzzer.check(b.toString(), random.nextLong() & 0xfff_ffff_ffffL, random.nextInt(3));
        }
    }
}
