package dev.tether.routing.match;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the base UUID in a path without allocating.
 *
 * <p>By default it scans for the first dashed UUID ({@code 8-4-4-4-12} hex digits, either case) that is not part
 * of a longer run of hex digits. A configured pattern is a Java regex compiled once; the UUID is its group named
 * {@code uuid}, else group 1, else the whole match; each thread reuses one {@link Matcher}. The result is the
 * region {@code [start, end)} packed in a {@code long}, or -1 when there is none.
 */
public final class UuidFinder {

    /** The default: the first dashed UUID in the path. */
    public static final UuidFinder FIRST_IN_PATH = new UuidFinder(null);

    private static final int UUID_LENGTH = 36;

    private final ThreadLocal<Matcher> matcher;
    private final boolean named;
    private final boolean grouped;

    /** @param pattern a Java regex, or {@code null} for the default scan */
    public UuidFinder(String pattern) {
        if (pattern == null) {
            matcher = null;
            named = false;
            grouped = false;
        } else {
            Pattern p = RouteMatcher.compile(pattern, "uuid-map.pattern");
            matcher = ThreadLocal.withInitial(() -> p.matcher(""));
            named = pattern.contains("(?<uuid>");
            grouped = p.matcher("").groupCount() >= 1;
        }
    }

    /** The region of the UUID in {@code path} as {@code start << 32 | end}, or -1. */
    public long find(String path) {
        if (path == null) {
            return -1;
        }
        if (matcher == null) {
            return scan(path);
        }
        Matcher m = matcher.get().reset(path);
        if (!m.find()) {
            return -1;
        }
        int start;
        int end;
        if (named) {
            start = m.start("uuid");
            end = m.end("uuid");
        } else if (grouped) {
            start = m.start(1);
            end = m.end(1);
        } else {
            start = m.start();
            end = m.end();
        }
        return start < 0 ? -1 : ((long) start << 32) | end;
    }

    public static int start(long region) {
        return (int) (region >>> 32);
    }

    public static int end(long region) {
        return (int) region;
    }

    /** Jumps from dash to dash (String.indexOf is vectorised): a UUID's first dash is 8 characters in. */
    private static long scan(String s) {
        int len = s.length();
        int dash = s.indexOf('-', 8);
        while (dash >= 0 && dash + 28 <= len) {
            int i = dash - 8;
            if (framedAt(s, i) && isUuidAt(s, i)) {
                return ((long) i << 32) | (i + UUID_LENGTH);
            }
            dash = s.indexOf('-', dash + 1);
        }
        return -1;
    }

    /**
     * As {@link #find} with the default scan, in the same pass reading the UUID's 32 digits into two longs (digits
     * 1-16 in {@code hi}, 17-32 in {@code lo}) and handing them to {@code map}: the characters are read once.
     * {@link UuidShardMap#route} calls it; -1 when the path carries no UUID.
     */
    static int route(String s, UuidShardMap map) {
        int len = s.length();
        int dash = s.indexOf('-', 8);
        while (dash >= 0 && dash + 28 <= len) {
            int i = dash - 8;
            if (framedAt(s, i)) {
                // Eight digits at a time, across the dashes: 1-8, 9-16, 17-24, 25-32. -1 for a non-hex char.
                long a = HexDigits.eight(s, i, true);
                long b = HexDigits.eight(s, i + 9, i + 14, true);
                long c = HexDigits.eight(s, i + 19, i + 24, true);
                long d = HexDigits.eight(s, i + 28, true);
                if ((a | b | c | d) >= 0) {
                    return map.lookup(a << 32 | b, c << 32 | d);
                }
            }
            dash = s.indexOf('-', dash + 1);
        }
        return -1;
    }

    /**
     * Whether {@code s[i, i+36)} (inside {@code s}, its first dash at {@code i+8}) has its other dashes where a
     * UUID's are and is not part of a longer run of hex digits.
     */
    private static boolean framedAt(String s, int i) {
        return s.charAt(i + 13) == '-' && s.charAt(i + 18) == '-' && s.charAt(i + 23) == '-'
                && (i == 0 || HexDigits.value(s.charAt(i - 1), true) < 0)
                && (i + UUID_LENGTH == s.length() || HexDigits.value(s.charAt(i + UUID_LENGTH), true) < 0);
    }

    private static boolean isUuidAt(String s, int at) {
        return (HexDigits.eight(s, at, true) | HexDigits.eight(s, at + 9, at + 14, true)
                | HexDigits.eight(s, at + 19, at + 24, true) | HexDigits.eight(s, at + 28, true)) >= 0;
    }
}
