package dev.tether.routing.match;

/**
 * A path regex that is a plain sequence of characters and character classes, each with an optional quantifier
 * ({@code /api/v2/[a-z]+/rows/[0-9]{1,9}}), matched against a whole ASCII path by a bit-parallel automaton (Shift-And
 * with loops and skippable states) instead of {@link java.util.regex}: one table load and a few shifts per character,
 * no backtracking, no {@code Matcher}.
 *
 * <p>It answers exactly as {@code Pattern.compile(regex).matcher(path).matches()} or not at all: {@link #compile}
 * returns {@code null} for anything outside the subset it understands (groups, alternation, flags, escapes other than
 * {@code \d \D \w \W \s \S} and escaped punctuation, class intersections or nesting, possessive quantifiers,
 * non-ASCII characters, more than 63 states), and {@link #match} answers {@link #UNKNOWN} for a path with a
 * non-ASCII character (Java matches those by code point). Callers then use the {@code Matcher}.
 *
 * <p>Each character of the expanded sequence is a state: {@code x{2,4}} is {@code x x x? x?}, {@code x+} one state
 * that loops, {@code x*} one that loops and may be skipped. After each character the set of states reached is
 * {@code ((reached << 1) | (reached & loops)) & accepts[c]}, then extended over skippable states.
 */
final class SequenceRegex {

    static final int NO = 0;
    static final int YES = 1;
    static final int UNKNOWN = -1;

    private static final int MAX_STATES = 63;

    /** Per ASCII character, the states (bit j for state j, from 1) whose class accepts it. */
    private final long[] accepts;
    private final long loops;
    private final long optional;
    /** The longest run of consecutive skippable states: how often {@link #skip} must extend. */
    private final int skipRun;
    private final long last;
    /** The leading states that each accept one fixed character exactly once, checked with startsWith. */
    private final String literal;
    private final long afterLiteral;

    private SequenceRegex(long[] accepts, long loops, long optional, int states, String literal) {
        this.accepts = accepts;
        this.loops = loops;
        this.optional = optional;
        int run = 0;
        int longest = 0;
        for (int j = 1; j <= states; j++) {
            run = (optional & (1L << j)) != 0 ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        this.skipRun = longest;
        this.last = 1L << states;
        this.literal = literal;
        this.afterLiteral = skip(1L << literal.length());
    }

    /**
     * {@link #YES} or {@link #NO} as {@code Pattern.matches} would answer for the whole {@code path}, or
     * {@link #UNKNOWN} when the path has a character above 127 while the automaton still runs.
     *
     * @param literalKnown the caller knows the path starts with {@link #literal()}
     */
    int match(String path, boolean literalKnown) {
        if (!literalKnown && !path.startsWith(literal)) {
            return NO;
        }
        long reached = afterLiteral;
        long[] table = accepts;
        for (int i = literal.length(), len = path.length(); i < len; i++) {
            char c = path.charAt(i);
            if (c >= 128) {
                return UNKNOWN;
            }
            reached = ((reached << 1) | (reached & loops)) & table[c];
            if (reached == 0) {
                return NO; // no state alive: no later character can revive one
            }
            reached = skip(reached);
        }
        return (reached & last) != 0 ? YES : NO;
    }

    /** The fixed characters every match starts with (the leading atoms that are one character, once). */
    String literal() {
        return literal;
    }

    private long skip(long reached) {
        for (int k = 0; k < skipRun; k++) {
            reached |= (reached << 1) & optional;
        }
        return reached;
    }

    /** The automaton for {@code regex} (already known to compile as a Java regex), or {@code null} outside the subset. */
    static SequenceRegex compile(String regex) {
        int end = regex.length();
        int i = 0;
        if (regex.startsWith("^")) {
            i = 1;
        }
        // A final unescaped $ asserts the end, which matches() requires anyway (a$ does not match "a\n" there).
        if (end > i && regex.charAt(end - 1) == '$' && !escaped(regex, end - 1)) {
            end--;
        }
        long[] accepts = new long[128];
        long loops = 0;
        long optional = 0;
        int states = 0;
        StringBuilder literal = new StringBuilder();
        boolean literalOpen = true;
        while (i < end) {
            // One atom: its class as two 64-bit halves of the ASCII table.
            long lo;
            long hi;
            char c = regex.charAt(i);
            char single = 0;
            if (c >= 128) {
                return null;
            } else if (c == '[') {
                int close = classEnd(regex, i, end);
                if (close < 0) {
                    return null;
                }
                long[] set = parseClass(regex, i + 1, close);
                if (set == null) {
                    return null;
                }
                lo = set[0];
                hi = set[1];
                i = close + 1;
            } else if (c == '.') {
                lo = ~((1L << '\n') | (1L << '\r'));
                hi = -1;
                i++;
            } else if (c == '\\') {
                if (i + 1 >= end) {
                    return null;
                }
                long[] set = escape(regex.charAt(i + 1));
                if (set == null) {
                    return null;
                }
                lo = set[0];
                hi = set[1];
                if (Long.bitCount(lo) + Long.bitCount(hi) == 1) {
                    single = regex.charAt(i + 1);
                }
                i += 2;
            } else if ("^$|?*+(){}]".indexOf(c) >= 0) {
                return null;
            } else {
                long[] set = of(c);
                lo = set[0];
                hi = set[1];
                single = c;
                i++;
            }
            // Its quantifier.
            int min = 1;
            int max = 1; // -1: unbounded
            if (i < end) {
                char q = regex.charAt(i);
                if (q == '?' || q == '*' || q == '+') {
                    min = q == '+' ? 1 : 0;
                    max = q == '?' ? 1 : -1;
                    i++;
                } else if (q == '{') {
                    int close = regex.indexOf('}', i);
                    if (close < 0 || close >= end) {
                        return null;
                    }
                    String body = regex.substring(i + 1, close);
                    int comma = body.indexOf(',');
                    try {
                        min = Integer.parseInt(comma < 0 ? body : body.substring(0, comma));
                        max = comma < 0 ? min : comma == body.length() - 1 ? -1 : Integer.parseInt(body.substring(comma + 1));
                    } catch (NumberFormatException e) {
                        return null;
                    }
                    if (min > MAX_STATES || max > MAX_STATES || (max >= 0 && max < min)) {
                        return null;
                    }
                    i = close + 1;
                }
                if (min != 1 || max != 1) {
                    if (i < end && regex.charAt(i) == '+') {
                        return null; // possessive: it can refuse matches a plain quantifier finds
                    }
                    if (i < end && regex.charAt(i) == '?') {
                        i++; // reluctant: the same strings match as a whole, only in another order
                    }
                }
            }
            int count = max < 0 ? Math.max(min, 1) : max;
            if (states + count > MAX_STATES) {
                return null;
            }
            for (int k = 0; k < count; k++) {
                int state = ++states;
                long bit = 1L << state;
                for (int ch = 0; ch < 128; ch++) {
                    if (((ch < 64 ? lo >>> ch : hi >>> (ch - 64)) & 1) != 0) {
                        accepts[ch] |= bit;
                    }
                }
                if (k >= min) {
                    optional |= bit;
                }
                if (max < 0 && k == count - 1) {
                    loops |= bit;
                }
            }
            if (literalOpen && min == 1 && max == 1 && single != 0) {
                literal.append(single);
            } else {
                literalOpen = false;
            }
        }
        return new SequenceRegex(accepts, loops, optional, states, literal.toString());
    }

    private static boolean escaped(String regex, int at) {
        int backslashes = 0;
        for (int k = at - 1; k >= 0 && regex.charAt(k) == '\\'; k--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    /** The index of the {@code ]} closing the class opened at {@code open}, or -1 for a shape not handled. */
    private static int classEnd(String regex, int open, int end) {
        for (int k = open + 1; k < end; k++) {
            char c = regex.charAt(k);
            if (c == '\\') {
                k++;
            } else if (c == ']') {
                // "[]" and "[^]" take the ] as a member in Java; leave those shapes to it.
                return k == open + 1 || (k == open + 2 && regex.charAt(open + 1) == '^') ? -1 : k;
            } else if (c == '[' || c == '&') {
                return -1;
            }
        }
        return -1;
    }

    /** The members of the class {@code regex[from, to)} (without brackets), or null for a shape not handled. */
    private static long[] parseClass(String regex, int from, int to) {
        boolean negated = regex.charAt(from) == '^';
        int k = negated ? from + 1 : from;
        long lo = 0;
        long hi = 0;
        while (k < to) {
            char c = regex.charAt(k);
            long[] member;
            if (c >= 128) {
                return null;
            } else if (c == '\\') {
                char e = regex.charAt(k + 1);
                if (e == 'D' || e == 'W' || e == 'S') {
                    return null;
                }
                member = escape(e);
                if (member == null) {
                    return null;
                }
                k += 2;
            } else if (c == '-' && k != (negated ? from + 1 : from) && k != to - 1) {
                return null; // a dash that is neither first, last nor a range's
            } else if (c == '^' || c == '-' && k + 1 < to && regex.charAt(k + 1) == '-') {
                return null; // a caret that does not negate, a dash starting a range: leave them to Java
            } else if (k + 2 < to && regex.charAt(k + 1) == '-') {
                char e = regex.charAt(k + 2);
                if (e >= 128 || e < c || e == '\\' || e == '[' || e == ']' || e == '&' || e == '-') {
                    return null;
                }
                member = new long[2];
                for (char x = c; x <= e; x++) {
                    long[] one = of(x);
                    member[0] |= one[0];
                    member[1] |= one[1];
                }
                k += 3;
            } else {
                member = of(c);
                k++;
            }
            lo |= member[0];
            hi |= member[1];
        }
        return negated ? new long[] {~lo, ~hi} : new long[] {lo, hi};
    }

    /** The ASCII set of an escape {@code \e}, or null when it is not one handled here. */
    private static long[] escape(char e) {
        switch (e) {
            case 'd':
                return range('0', '9');
            case 'D':
                return not(range('0', '9'));
            case 'w':
                return word();
            case 'W':
                return not(word());
            case 's':
                return space();
            case 'S':
                return not(space());
            default:
                // Escaped punctuation is the character itself; letters and digits are other constructs.
                return e < 128 && !Character.isLetterOrDigit(e) && e > ' ' ? of(e) : null;
        }
    }

    private static long[] of(char c) {
        return c < 64 ? new long[] {1L << c, 0} : new long[] {0, 1L << (c - 64)};
    }

    private static long[] range(char from, char to) {
        long[] set = new long[2];
        for (char x = from; x <= to; x++) {
            long[] one = of(x);
            set[0] |= one[0];
            set[1] |= one[1];
        }
        return set;
    }

    private static long[] word() {
        long[] set = range('a', 'z');
        long[] upper = range('A', 'Z');
        long[] digits = range('0', '9');
        return new long[] {set[0] | upper[0] | digits[0] | of('_')[0], set[1] | upper[1] | digits[1] | of('_')[1]};
    }

    private static long[] space() {
        long[] set = new long[2];
        for (char x : new char[] {' ', '\t', '\n', 0x0B, '\f', '\r'}) {
            set[0] |= of(x)[0];
        }
        return set;
    }

    private static long[] not(long[] set) {
        return new long[] {~set[0], ~set[1]};
    }
}
