package dev.tether.routing.match;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SequenceRegexTest {

    private static final List<String> ATOMS = List.of("a", "b", "/", "-", "_", "0", "\\.", ".", "[a-z]", "[^/]",
            "[0-9a-f]", "[a-]", "[-_a-c]", "[^a-c]", "[.$*]", "\\d", "\\D", "\\w", "\\W", "\\s", "\\S", "\\/", "[\\d_]",
            "[\\w-]", "\\$", "\\\\");
    private static final List<String> QUANTIFIERS = List.of("", "", "", "?", "*", "+", "{2}", "{1,3}", "{0,}", "{2,}",
            "{0,2}", "+?", "*?", "??", "{0}");
    private static final String PATH_CHARS = "ab/-_0.9zA$\\ \n\r\t\u00e9\uff0f";

    /**
     * Random regexes of the subset against random paths: every answer the automaton gives is the Matcher's, and it
     * answers every ASCII path (non-ASCII paths may be left to the Matcher).
     */
    @Test
    void agreesWithJavaRegex() {
        Random random = new Random(3);
        for (int round = 0; round < 3_000; round++) {
            StringBuilder regex = new StringBuilder(random.nextInt(4) == 0 ? "^" : "");
            int atoms = 1 + random.nextInt(8);
            for (int k = 0; k < atoms; k++) {
                regex.append(ATOMS.get(random.nextInt(ATOMS.size())));
                regex.append(QUANTIFIERS.get(random.nextInt(QUANTIFIERS.size())));
            }
            if (random.nextInt(4) == 0) {
                regex.append('$');
            }
            String r = regex.toString();
            Pattern java = Pattern.compile(r);
            SequenceRegex sequence = SequenceRegex.compile(r);
            assertThat(sequence).as(r).isNotNull();
            for (int i = 0; i < 200; i++) {
                String path = i % 2 == 0 ? randomPath(random) : example(random, r);
                int answer = sequence.match(path, false);
                boolean ascii = path.chars().allMatch(c -> c < 128);
                if (ascii) {
                    assertThat(answer).as("%s against \"%s\"", r, path).isNotEqualTo(SequenceRegex.UNKNOWN);
                }
                if (answer != SequenceRegex.UNKNOWN) {
                    assertThat(answer == SequenceRegex.YES).as("%s against \"%s\"", r, path)
                            .isEqualTo(java.matcher(path).matches());
                }
            }
        }
    }

    private static String randomPath(Random random) {
        StringBuilder path = new StringBuilder();
        int length = random.nextInt(12);
        for (int k = 0; k < length; k++) {
            path.append(PATH_CHARS.charAt(random.nextInt(PATH_CHARS.length())));
        }
        return path.toString();
    }

    /** A path built from the regex's own atoms, so that many of them match. */
    private static String example(Random random, String regex) {
        StringBuilder path = new StringBuilder();
        for (int k = 0; k < regex.length(); k++) {
            char c = regex.charAt(k);
            if ("^$?*+{}0123456789,[]\\".indexOf(c) >= 0 && random.nextInt(3) > 0) {
                continue;
            }
            int repeat = random.nextInt(4) == 0 ? random.nextInt(3) : 1;
            for (int r = 0; r < repeat; r++) {
                path.append(random.nextInt(5) == 0 ? PATH_CHARS.charAt(random.nextInt(PATH_CHARS.length())) : c);
            }
        }
        return path.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/(v1|v2)/x", "a|b", "(?i)/api", "[a-z&&[^c]]", "[[a-b]c]", "a++", "a{2}+", "\\p{L}",
        "\\bfoo", "(a)\\1", "caf\u00e9", "\\Qa.b\\E", "a\\tb", "[]a]", "[^]a]", "[a-z-_]", "a^b", "a$b", "[--/]",
        "[a^b]", "x{1,100}"})
    void leavesOtherShapesToJava(String regex) {
        Pattern.compile(regex);
        assertThat(SequenceRegex.compile(regex)).isNull();
    }

    @Test
    void answersTheBenchmarkShape() {
        SequenceRegex r = SequenceRegex.compile("/api/v7/[a-z]+/rows/[0-9]+");
        assertThat(r.match("/api/v7/tables/rows/42", false)).isEqualTo(SequenceRegex.YES);
        assertThat(r.match("/api/v7/tables/rows/", false)).isEqualTo(SequenceRegex.NO);
        assertThat(r.match("/api/v7/Tables/rows/42", false)).isEqualTo(SequenceRegex.NO);
        assertThat(r.match("/api/v70/tables/rows/42", false)).isEqualTo(SequenceRegex.NO);
        assertThat(r.match("/api/v7/t\u00e9/rows/42", false)).isEqualTo(SequenceRegex.UNKNOWN);
    }
}
