package dev.tether.routing.sticky;

/**
 * Edits cookies the server owns, for rewrite and prefix mode: the value of the server's {@code Set-Cookie} on the
 * way out, and the {@code ID~} prefix on the way in.
 *
 * <p>Only the value changes. Everything else in a header (the attributes of a {@code Set-Cookie}, the other cookies
 * of a {@code Cookie} header, their order and separators) is copied as it was. A {@code Set-Cookie} holding a control
 * character (CR, LF, NUL, ...) is left alone rather than edited, so an edit can never produce one; edits of a
 * {@code Cookie} header only remove characters.
 */
public final class ServerCookies {

    /** Separates the server id from the server's own value in prefix mode, as in HAProxy. */
    public static final char DELIMITER = '~';

    private ServerCookies() {}

    /**
     * One {@code Set-Cookie} header value with the value of cookie {@code name} replaced by {@code ours} (rewrite) or
     * prefixed with {@code ours~} (prefix). A quoted value stays quoted: {@code "abc"} becomes {@code "ID~abc"}.
     *
     * @return the edited header, or the same instance when it sets another cookie or holds a control character
     */
    public static String rewriteSetCookie(String header, String name, String ours, boolean prefix) {
        int len = header.length();
        for (int i = 0; i < len; i++) {
            char c = header.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                return header;
            }
        }
        int start = skipBlanks(header, 0, len);
        int n = name.length();
        if (!header.regionMatches(start, name, 0, n)) {
            return header;
        }
        int eq = skipBlanks(header, start + n, len);
        if (eq >= len || header.charAt(eq) != '=') {
            return header;
        }
        int semi = header.indexOf(';', eq + 1);
        int end = semi < 0 ? len : semi;
        int from = skipBlanks(header, eq + 1, end);
        int to = end;
        while (to > from && isBlank(header.charAt(to - 1))) {
            to--;
        }
        StringBuilder out = new StringBuilder(len + ours.length() + 1).append(header, 0, from);
        if (!prefix) {
            out.append(ours);
        } else if (to - from >= 2 && header.charAt(from) == '"' && header.charAt(to - 1) == '"') {
            out.append('"').append(ours).append(DELIMITER).append(header, from + 1, to);
        } else {
            out.append(ours).append(DELIMITER).append(header, from, to);
        }
        return out.append(header, to, len).toString();
    }

    /**
     * A {@code Cookie} header value with {@code ID~} removed from the value of every cookie called {@code name}, so
     * the server gets back the value it set. Everything up to the first {@code ~} goes, whether or not it names a
     * server (a forged prefix is not the server's either); a value without {@code ~} is left as it is.
     *
     * @return the edited header, or the same instance when there was nothing to remove
     */
    public static String unprefix(String header, String name) {
        if (header == null) {
            return null;
        }
        int len = header.length();
        int n = name.length();
        StringBuilder out = null;
        int copied = 0;
        int i = 0;
        while (i < len) {
            int semi = header.indexOf(';', i);
            int end = semi < 0 ? len : semi;
            int start = skipBlanks(header, i, end);
            if (end - start > n && header.charAt(start + n) == '=' && header.regionMatches(start, name, 0, n)) {
                int from = skipBlanks(header, start + n + 1, end);
                if (from < end && header.charAt(from) == '"') {
                    from++;
                }
                int tilde = header.indexOf(DELIMITER, from);
                if (tilde >= 0 && tilde < end) {
                    if (out == null) {
                        out = new StringBuilder(len);
                    }
                    out.append(header, copied, from);
                    copied = tilde + 1;
                }
            }
            i = end + 1;
        }
        return out == null ? header : out.append(header, copied, len).toString();
    }

    private static int skipBlanks(String s, int from, int to) {
        while (from < to && isBlank(s.charAt(from))) {
            from++;
        }
        return from;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }
}
