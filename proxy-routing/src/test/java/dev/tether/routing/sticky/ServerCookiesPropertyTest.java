package dev.tether.routing.sticky;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link ServerCookies} on seeded random headers, checked against a plain model of what each edit must do. */
class ServerCookiesPropertyTest {

    private static final String NAME = "JSESSIONID";
    private static final String[] NAMES = {NAME, "a", "theme", "JSESSIONIDX", "XJSESSIONID", "jsessionid"};
    private static final String VALUE_CHARS = "abcXYZ019~~-_.=!%/+";
    private static final String ANY_CHARS = "aZ9~;= \t\"\r\n\u0000\u007f\u00e9,";

    @Test
    void unprefixRemovesOnlyOurPrefixesAndKeepsEveryOtherCookieInOrder() {
        Random random = new Random(3);
        for (int i = 0; i < 20_000; i++) {
            int count = 1 + random.nextInt(5);
            List<String> sent = new ArrayList<>();
            List<String> expected = new ArrayList<>();
            for (int c = 0; c < count; c++) {
                String name = NAMES[random.nextInt(NAMES.length)];
                String value = randomString(random, VALUE_CHARS, 12);
                boolean quoted = random.nextInt(4) == 0;
                String q = quoted ? "\"" : "";
                sent.add(name + "=" + q + value + q);
                int tilde = value.indexOf('~');
                String kept = name.equals(NAME) && tilde >= 0 ? value.substring(tilde + 1) : value;
                expected.add(name + "=" + q + kept + q);
            }
            String separator = random.nextBoolean() ? "; " : ";";
            String header = String.join(separator, sent);
            String edited = ServerCookies.unprefix(header, NAME);
            assertThat(edited).as(header).isEqualTo(String.join(separator, expected));
            if (edited.equals(header)) {
                assertThat(edited).as("unchanged headers are not copied").isSameAs(header);
            }
        }
    }

    @Test
    void aSetCookieEditChangesOnlyTheValueAndNeverAddsAControlCharacter() {
        Random random = new Random(4);
        for (int i = 0; i < 20_000; i++) {
            String name = NAMES[random.nextInt(NAMES.length)];
            String value = randomString(random, random.nextBoolean() ? VALUE_CHARS : ANY_CHARS, 10);
            String attributes = random.nextBoolean() ? "" : "; " + randomString(random, ANY_CHARS, 20);
            String header = name + "=" + value + attributes;
            boolean prefix = random.nextBoolean();
            String edited = ServerCookies.rewriteSetCookie(header, NAME, "0a1b2c3d", prefix);
            boolean control = header.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f);
            if (control || !name.equals(NAME)) {
                assertThat(edited).as(header).isSameAs(header);
                continue;
            }
            assertThat(edited.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)).as(header).isFalse();
            int semi = header.indexOf(';');
            String rest = semi < 0 ? "" : header.substring(semi);
            assertThat(edited).as(header).startsWith(NAME + "=").endsWith(rest);
            String newValue = edited.substring(NAME.length() + 1, edited.length() - rest.length()).strip();
            String oldValue = (semi < 0 ? header : header.substring(0, semi)).substring(NAME.length() + 1).strip();
            if (!prefix) {
                assertThat(newValue).isEqualTo("0a1b2c3d");
            } else if (oldValue.length() >= 2 && oldValue.startsWith("\"") && oldValue.endsWith("\"")) {
                assertThat(newValue).isEqualTo("\"0a1b2c3d~" + oldValue.substring(1));
            } else {
                assertThat(newValue).isEqualTo("0a1b2c3d~" + oldValue);
            }
        }
    }

    private static String randomString(Random random, String alphabet, int maxLength) {
        int n = random.nextInt(maxLength + 1);
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }
}
