package dev.tether.core.http;

/**
 * Puts a request path into the one form that routing and the server both see, so that {@code /a/../admin},
 * {@code //admin}, {@code /%61dmin} and {@code /admin} cannot be told apart by a path rule and then served alike.
 *
 * <p>In order: percent-encoded unreserved characters ({@code A-Z a-z 0-9 - . _ ~}) are decoded and the remaining
 * escapes upper-cased (RFC 3986 section 6.2.2.2); runs of {@code /} become one; dot segments are removed as in RFC
 * 3986 section 5.2.4 ({@code ..} above the root stays at the root). Encoded reserved characters such as {@code %2F}
 * stay encoded: decoding them would change which segment they belong to. The query is left alone.
 *
 * <p>Limits: the path must already be origin-form (start with {@code /}); a malformed escape ({@code %zz}, a
 * trailing {@code %}) makes {@link #normalize} return {@code null}, which the caller answers with 400.
 */
public final class PathNormalizer {

    private PathNormalizer() {}

    /**
     * The normalised form of an origin-form request target ({@code /path?query}).
     *
     * @return the normalised target; the same instance when nothing changed; {@code null} for a malformed escape
     */
    public static String normalize(String target) {
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String decoded = decodeUnreserved(path);
        if (decoded == null) {
            return null;
        }
        String normal = removeDotSegments(mergeSlashes(decoded));
        if (normal.equals(path)) {
            return target;
        }
        return q < 0 ? normal : normal + target.substring(q);
    }

    private static String decodeUnreserved(String path) {
        if (path.indexOf('%') < 0) {
            return path;
        }
        StringBuilder b = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c != '%') {
                b.append(c);
                continue;
            }
            if (i + 2 >= path.length()) {
                return null;
            }
            int hi = Character.digit(path.charAt(i + 1), 16);
            int lo = Character.digit(path.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            char decoded = (char) (hi << 4 | lo);
            if (isUnreserved(decoded)) {
                b.append(decoded);
            } else {
                b.append('%').append(Character.toUpperCase(path.charAt(i + 1)))
                        .append(Character.toUpperCase(path.charAt(i + 2)));
            }
            i += 2;
        }
        return b.toString();
    }

    private static boolean isUnreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    private static String mergeSlashes(String path) {
        if (!path.contains("//")) {
            return path;
        }
        StringBuilder b = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '/' && i > 0 && path.charAt(i - 1) == '/') {
                continue;
            }
            b.append(c);
        }
        return b.toString();
    }

    /** RFC 3986 section 5.2.4 on an absolute path whose slashes are already merged. */
    private static String removeDotSegments(String path) {
        if (!path.contains("/.")) {
            return path;
        }
        String[] segments = path.substring(1).split("/", -1);
        String[] out = new String[segments.length];
        int n = 0;
        boolean trailingSlash = false;
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            boolean last = i == segments.length - 1;
            if (s.equals(".")) {
                trailingSlash = last;
            } else if (s.equals("..")) {
                if (n > 0) {
                    n--;
                }
                trailingSlash = last;
            } else {
                out[n++] = s;
                trailingSlash = false;
            }
        }
        StringBuilder b = new StringBuilder(path.length());
        for (int i = 0; i < n; i++) {
            b.append('/').append(out[i]);
        }
        if (trailingSlash || n == 0) {
            b.append('/');
        }
        return b.toString();
    }
}
