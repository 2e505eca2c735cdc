package dev.tether.routing.sticky;

import dev.tether.routing.CookieAction;
import dev.tether.routing.CookieStatus;
import dev.tether.routing.config.CookieMode;
import dev.tether.routing.config.StickyCookieConfig;
import dev.tether.routing.match.HexDigits;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes one backend's persistence cookie.
 *
 * <p>In insert mode the cookie's whole value is ours. In rewrite mode the server sets the cookie and Tether
 * replaces its value with ours; in prefix mode Tether puts ours and {@code ~} in front of the server's value
 * ({@link ServerCookies} edits those headers, {@link #readRequest} reads the part before {@code ~}). Rewrite and
 * prefix values carry no dates, so they are constant per server.
 *
 * <p>The value is {@code ID[.FIRST.LAST][.TAG]}:
 * <ul>
 *   <li>{@code ID}: eight hex digits, a SipHash of the server's configured name (keyed with the cookie key when one
 *       is set, so clients cannot map ids back to names). Every instance with the same configuration derives the
 *       same ids, so several proxies behind one address need no shared state. A server may set its id instead
 *       ({@code ServerConfig.cookie}, HAProxy's {@code cookie} server keyword) to keep sessions across a move from
 *       HAProxy.
 *   <li>{@code FIRST.LAST}: when max-idle, max-life or the backend's drain-idle-timeout is set, the epoch seconds
 *       (hex) the session started and was last refreshed, as HAProxy's {@code maxidle}/{@code maxlife} dates.
 *       {@code LAST} is rewritten only once it is older than a quarter of the tighter of max-idle and
 *       drain-idle-timeout, so an active session costs one {@code Set-Cookie} per quarter period, and a session idle
 *       for less than three quarters of it never expires nor leaves a draining server. These dates are what lets
 *       every Tether instance judge idleness the same way with no shared state.
 *   <li>{@code TAG}: when a key is set, 16 hex digits of SipHash-2-4 over the id and the dates (as numbers, see
 *       {@link #expectedTag}), with a key derived from the configured key and the cookie name. A value that fails it is
 *       {@link CookieStatus#INVALID}.
 * </ul>
 *
 * <p>{@link #read} parses without allocating: it compares regions of the value in place and returns its findings
 * packed in a {@code long} (see {@link #status}, {@link #server}, {@link #needsRefresh}, {@link #firstSeen}).
 * Adding a key makes existing unsigned cookies invalid (those clients are balanced again once); removing it keeps
 * signed cookies working, since the tag is then ignored.
 */
public final class StickyCookies {

    private static final CookieStatus[] STATUSES = CookieStatus.values();
    private static final SipHash PUBLIC_IDS = new SipHash(0x7465746865722d69L, 0x642d7631L);
    private static final int MAX_VALUE_LENGTH = 96;
    private static final int TAG_DIGITS = 16;
    private static final long NO_SERVER = 0xffffffL;
    private static final long IDLE_OVER_DRAIN = 0x20;

    private final StickyCookieConfig config;
    private final String[] ids;
    // The length every id has when none is configured by hand (8), else -1: spares an indexOf per request.
    private final int idLength;
    private final int[] slots;
    // When every id is eight lower-case hex digits (derived ids always are), their values: a request's id is then
    // read eight digits at once and compared as a number. Else null, and ids are hashed and compared as text.
    private final long[] idValues;
    private final SipHash signer;
    // With a key: per server, the tag's SipHash state after its id (four longs each), see #expectedTag.
    private final long[] macStates;
    private final boolean dated;
    private final long maxIdleSeconds;
    private final long maxLifeSeconds;
    private final long refreshAfterSeconds;
    private final long idleLimitSeconds;
    private final long drainIdleSeconds;
    private final String attributes;
    private final CookieMode mode;
    // Per server, what to do with the server's Set-Cookie: built once, so these decisions allocate nothing.
    private final CookieAction[] responseActions;

    /**
     * @param config the cookie settings
     * @param serverNames the backend's servers in order; {@link #server} answers an index into this list
     * @throws IllegalArgumentException when two servers derive the same id (rename one, or change the key)
     */
    public StickyCookies(StickyCookieConfig config, List<String> serverNames) {
        this(config, serverNames, null);
    }

    /**
     * @param config the cookie settings
     * @param serverNames the backend's servers in order; {@link #server} answers an index into this list
     * @param explicitIds per server, a configured cookie value to use instead of the derived id, or {@code null}
     *     entries (or a {@code null} list) to derive them
     * @throws IllegalArgumentException when two servers end up with the same id
     */
    public StickyCookies(StickyCookieConfig config, List<String> serverNames, List<String> explicitIds) {
        this(config, serverNames, explicitIds, Duration.ZERO);
    }

    /**
     * @param config the cookie settings
     * @param serverNames the backend's servers in order; {@link #server} answers an index into this list
     * @param explicitIds per server, a configured cookie value to use instead of the derived id, or {@code null}
     *     entries (or a {@code null} list) to derive them
     * @param drainIdle the backend's {@code drain-idle-timeout}: when above zero (insert mode), values carry dates
     *     even without max-idle or max-life, refreshed every quarter of it, and {@link #idleOverDrain} tells a
     *     session idle for longer
     * @throws IllegalArgumentException when two servers end up with the same id
     */
    public StickyCookies(
            StickyCookieConfig config, List<String> serverNames, List<String> explicitIds, Duration drainIdle) {
        this.config = config;
        SipHash idHash = PUBLIC_IDS;
        SipHash sign = null;
        if (config.key() != null) {
            byte[] derived = sha256(config.key() + '\0' + config.name());
            sign = SipHash.of(Arrays.copyOfRange(derived, 0, 16));
            idHash = SipHash.of(Arrays.copyOfRange(derived, 16, 32));
        }
        this.signer = sign;
        this.ids = new String[serverNames.size()];
        Map<String, String> owner = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            String name = serverNames.get(i);
            String explicit = explicitIds == null ? null : explicitIds.get(i);
            ids[i] = explicit != null ? explicit : String.format("%08x", idHash.hash(name) & 0xffffffffL);
            String other = owner.put(ids[i], name);
            if (other != null) {
                throw new IllegalArgumentException("cookie " + config.name() + ": servers " + other + " and " + name
                        + " have the same cookie id " + ids[i] + "; rename one of them, change cookie.key or set a"
                        + " different server cookie");
            }
        }
        this.macStates = new long[4 * ids.length];
        if (signer != null) {
            for (int i = 0; i < ids.length; i++) {
                signer.absorbPadded(ids[i], 0, ids[i].length(), macStates, 4 * i);
            }
        }
        int common = ids.length == 0 ? -1 : ids[0].length();
        for (String id : ids) {
            if (id.length() != common) {
                common = -1;
            }
        }
        this.idLength = common;
        long[] values = common == 8 ? new long[ids.length] : null;
        for (int i = 0; values != null && i < ids.length; i++) {
            values[i] = HexDigits.eight(ids[i], 0, false);
            if (values[i] < 0) {
                values = null;
            }
        }
        this.idValues = values;
        this.slots = new int[Integer.highestOneBit(Math.max(1, ids.length) * 4 - 1) << 1];
        Arrays.fill(slots, -1);
        for (int i = 0; i < ids.length; i++) {
            int s = idValues != null ? valueSlot(idValues[i]) : slot(regionHash(ids[i], 0, ids[i].length()));
            while (slots[s] >= 0) {
                s = (s + 1) & (slots.length - 1);
            }
            slots[s] = i;
        }
        boolean inserts = config.mode() == CookieMode.INSERT;
        this.drainIdleSeconds = inserts ? drainIdle.toSeconds() : 0;
        this.dated = config.dated() || drainIdleSeconds > 0;
        this.maxIdleSeconds = config.maxIdle().toSeconds();
        this.maxLifeSeconds = config.maxLife().toSeconds();
        // The last-seen date is as fresh as the tighter of the two idle limits needs: a quarter of it.
        long idleLimit = maxIdleSeconds > 0 && drainIdleSeconds > 0 ? Math.min(maxIdleSeconds, drainIdleSeconds)
                : Math.max(maxIdleSeconds, drainIdleSeconds);
        this.refreshAfterSeconds = Math.max(1, idleLimit / 4);
        this.idleLimitSeconds = idleLimit;
        StringBuilder a = new StringBuilder("; Path=/");
        if (config.domain() != null) {
            a.append("; Domain=").append(config.domain());
        }
        if (config.httpOnly()) {
            a.append("; HttpOnly");
        }
        if (config.secure()) {
            a.append("; Secure");
        }
        this.attributes = a.toString();
        this.mode = config.mode();
        this.responseActions = new CookieAction[ids.length];
        for (int i = 0; i < ids.length; i++) {
            responseActions[i] = mode == CookieMode.INSERT ? CookieAction.KEEP
                    : new CookieAction.Rewrite(config.name(), value(i, 0, 0), mode == CookieMode.PREFIX,
                            config.nocache());
        }
    }

    public StickyCookieConfig config() {
        return config;
    }

    /** The cookie id of the server at {@code index}. */
    public String id(int index) {
        return ids[index];
    }

    /** Whether Tether sets the cookie itself (insert mode), rather than editing the one the server sets. */
    public boolean inserts() {
        return mode == CookieMode.INSERT;
    }

    /**
     * What to do with the response when {@code server} answers: {@link CookieAction#KEEP} in insert mode (the router
     * decides when to set a cookie), else the edit of the server's own {@code Set-Cookie}.
     */
    public CookieAction responseAction(int server) {
        return responseActions[server];
    }

    /** Whether the request's {@code Cookie} header needs {@link #forwardedCookieHeader} before it goes on. */
    public boolean editsRequest() {
        return mode == CookieMode.PREFIX || mode == CookieMode.INSERT && config.indirect();
    }

    /**
     * The {@code Cookie} header value the server gets: without our cookie in insert mode with {@code indirect},
     * without the {@code ID~} prefixes in prefix mode, else unchanged.
     *
     * @return the edited value (the same instance when unchanged), or {@code null} when no cookie is left
     */
    public String forwardedCookieHeader(String cookieHeader) {
        return switch (mode) {
            case INSERT -> config.indirect() ? strip(cookieHeader, config.name()) : cookieHeader;
            case PREFIX -> ServerCookies.unprefix(cookieHeader, config.name());
            case REWRITE -> cookieHeader;
        };
    }

    /**
     * Checks the value of our cookie as the request carried it: the whole value, or in prefix mode the part before
     * {@code ~} (a value without {@code ~} is {@link CookieStatus#INVALID}). See {@link #read}.
     */
    public long readRequest(String value, long nowMillis) {
        if (mode != CookieMode.PREFIX || value == null) {
            return read(value, nowMillis);
        }
        int tilde = value.indexOf(ServerCookies.DELIMITER);
        return tilde < 0 ? invalid() : read(value, tilde, nowMillis);
    }

    /**
     * Checks a cookie value.
     *
     * @param value the value of our cookie in the request, or {@code null} when it carried none
     * @param nowMillis the current time
     * @return packed findings: {@link #status} is {@code NONE} (no cookie), {@code INVALID} (malformed or bad
     *     signature), {@code EXPIRED}, {@code SERVER_UNKNOWN}, or {@code VALID} with {@link #server} set (the caller
     *     still has to check that server's state)
     */
    public long read(String value, long nowMillis) {
        if (value == null) {
            return pack(CookieStatus.NONE, NO_SERVER, false, 0);
        }
        return read(value, value.length(), nowMillis);
    }

    /** {@link #read} of the first {@code len} characters of {@code value}, without copying them. */
    private long read(String value, int len, long nowMillis) {
        // No separate pass over the value: every part is parsed strictly (id lookup, hex dates, tag), so anything
        // we did not write fails one of those checks.
        if (len == 0 || len > MAX_VALUE_LENGTH) {
            return invalid();
        }
        int end = len;
        long tag = 0;
        if (signer != null) {
            int dot = len - TAG_DIGITS - 1;
            if (dot < 1 || value.charAt(dot) != '.') {
                return invalid();
            }
            long high = HexDigits.eight(value, dot + 1, false);
            long low = HexDigits.eight(value, dot + 9, false);
            if ((high | low) < 0) {
                return invalid();
            }
            tag = high << 32 | low;
            end = dot;
        }
        int idEnd;
        if (idLength > 0 && (end == idLength || end > idLength && value.charAt(idLength) == '.')) {
            idEnd = idLength;
        } else {
            idEnd = value.indexOf('.');
            if (idEnd < 0 || idEnd > end) {
                idEnd = end;
            }
        }
        // Dates are parsed once, before the tag is checked: the tag signs them as numbers (see #expectedTag).
        long first = -1;
        long last = -1;
        if (idEnd < end && (dated || signer != null)) {
            // A date has eight digits from 1971 to 2106: look there before searching.
            int mid = idEnd + 9 < end && value.charAt(idEnd + 9) == '.' ? idEnd + 9 : value.indexOf('.', idEnd + 1);
            if (mid < 0 || mid >= end) {
                return invalid();
            }
            first = hex(value, idEnd + 1, mid);
            last = hex(value, mid + 1, end);
            if (first < 0 || last < 0 || last < first) {
                return invalid();
            }
        }
        int server = lookup(value, 0, idEnd);
        if (server < 0 && !idChars(value, idEnd)) {
            return invalid();
        }
        if (signer != null && tag != expectedTag(value, idEnd, server, first, last)) {
            return invalid();
        }
        if (server < 0) {
            // Shaped like an id (and signed, with a key) but naming no server: a removed server, or another key.
            return pack(CookieStatus.SERVER_UNKNOWN, NO_SERVER, false, 0);
        }
        long now = nowMillis / 1000;
        if (!dated) {
            return pack(CookieStatus.VALID, server, false, 0);
        }
        if (first < 0) {
            // Issued before dates were configured: accept it once and give it dates.
            return pack(CookieStatus.VALID, server, true, now);
        }
        if (maxLifeSeconds > 0 && now - first > maxLifeSeconds) {
            return pack(CookieStatus.EXPIRED, NO_SERVER, false, 0);
        }
        if (maxIdleSeconds > 0 && now - last > maxIdleSeconds) {
            return pack(CookieStatus.EXPIRED, NO_SERVER, false, 0);
        }
        boolean refresh = idleLimitSeconds > 0 && now - last >= refreshAfterSeconds;
        long read = pack(CookieStatus.VALID, server, refresh, first);
        return drainIdleSeconds > 0 && now - last > drainIdleSeconds ? read | IDLE_OVER_DRAIN : read;
    }

    /** The backend's {@code drain-idle-timeout} in seconds when it applies (insert mode), else 0. */
    public long drainIdleSeconds() {
        return drainIdleSeconds;
    }

    /** Whether values carry first-seen and last-seen dates, so reading one needs the time. */
    public boolean dated() {
        return dated;
    }

    /**
     * Whether a valid cookie found by {@link #read} was last seen longer ago than the backend's
     * {@code drain-idle-timeout}: a draining server then loses the session. Never for a cookie without dates (one
     * issued before dates were configured counts as active, and gets dates on this request).
     */
    public static boolean idleOverDrain(long read) {
        return (read & IDLE_OVER_DRAIN) != 0;
    }

    /**
     * The tag of a value with id {@code value[0, idEnd)} (server {@code server}, or -1 when it names none) and dates
     * {@code first}, {@code last} (-1 when absent): SipHash-2-4 over the id, zero-padded to 8 bytes, the dates as
     * one 64-bit word {@code first << 32 | last} (two words past 2106), and the id's length
     * ({@link SipHash#hashPadded}). A known server's id was absorbed when the table was built, so a request costs one
     * block and the finalization, and no character of the dates is read twice.
     */
    private long expectedTag(String value, int idEnd, int server, long first, long last) {
        int words;
        long w0 = 0;
        long w1 = 0;
        if (first < 0) {
            words = 0;
        } else if (((first | last) >>> 32) == 0) {
            words = 1;
            w0 = first << 32 | last;
        } else {
            words = 2;
            w0 = first;
            w1 = last;
        }
        return server >= 0
                ? SipHash.hashFrom(macStates, 4 * server, ids[server].length(), words, w0, w1)
                : signer.hashPadded(value, 0, idEnd, words, w0, w1);
    }

    /** The status found by {@link #read}. */
    public static CookieStatus status(long read) {
        return STATUSES[(int) (read & 0xf)];
    }

    /** The server index found by {@link #read}, or -1. */
    public static int server(long read) {
        long s = (read >>> 8) & NO_SERVER;
        return s == NO_SERVER ? -1 : (int) s;
    }

    /** Whether a valid cookie should be set again to move its last-seen date. */
    public static boolean needsRefresh(long read) {
        return (read & 0x10) != 0;
    }

    /** The first-seen date (epoch seconds) of a valid dated cookie, to keep when refreshing it. */
    public static long firstSeen(long read) {
        return read >>> 32;
    }

    /** The cookie value for a server, with dates when the cookie is dated, and a tag when it is signed. */
    public String value(int server, long firstSeenSeconds, long nowSeconds) {
        StringBuilder v = new StringBuilder(48).append(ids[server]);
        if (dated) {
            v.append('.').append(Long.toHexString(firstSeenSeconds)).append('.').append(Long.toHexString(nowSeconds));
        }
        if (signer != null) {
            long first = dated ? firstSeenSeconds : -1;
            String tag = Long.toHexString(expectedTag(ids[server], ids[server].length(), server, first, nowSeconds));
            v.append('.');
            for (int i = tag.length(); i < TAG_DIGITS; i++) {
                v.append('0');
            }
            v.append(tag);
        }
        return v.toString();
    }

    /** A whole {@code Set-Cookie} header value for a new session on {@code server}. */
    public String setCookie(int server, long nowMillis) {
        long now = nowMillis / 1000;
        return setCookie(server, now, nowMillis);
    }

    /** A whole {@code Set-Cookie} header value keeping the session's first-seen date. */
    public String setCookie(int server, long firstSeenSeconds, long nowMillis) {
        return config.name() + '=' + value(server, firstSeenSeconds, nowMillis / 1000) + attributes;
    }

    /**
     * Removes every cookie called {@code name} from a {@code Cookie} header value, for {@code indirect} mode.
     *
     * @return the header without that cookie (the same instance when it had none), or {@code null} when no cookie
     *     is left and the header should be removed
     */
    public static String strip(String cookieHeader, String name) {
        if (cookieHeader == null) {
            return null;
        }
        if (find(cookieHeader, name) == null) {
            return cookieHeader;
        }
        StringBuilder out = new StringBuilder(cookieHeader.length());
        int i = 0;
        int len = cookieHeader.length();
        while (i < len) {
            int semi = cookieHeader.indexOf(';', i);
            int end = semi < 0 ? len : semi;
            int start = skipSpaces(cookieHeader, i, end);
            int stop = end;
            while (stop > start && cookieHeader.charAt(stop - 1) == ' ') {
                stop--;
            }
            if (stop > start && !isNamed(cookieHeader, start, stop, name)) {
                if (out.length() > 0) {
                    out.append("; ");
                }
                out.append(cookieHeader, start, stop);
            }
            i = end + 1;
        }
        return out.length() == 0 ? null : out.toString();
    }

    /** The value of the first cookie called {@code name} in a {@code Cookie} header value, or {@code null}. */
    public static String find(String cookieHeader, String name) {
        if (cookieHeader == null) {
            return null;
        }
        int len = cookieHeader.length();
        int i = 0;
        while (i < len) {
            int semi = cookieHeader.indexOf(';', i);
            int end = semi < 0 ? len : semi;
            int start = skipSpaces(cookieHeader, i, end);
            if (isNamed(cookieHeader, start, end, name)) {
                int from = start + name.length() + 1;
                int to = end;
                while (to > from && cookieHeader.charAt(to - 1) == ' ') {
                    to--;
                }
                if (to - from >= 2 && cookieHeader.charAt(from) == '"' && cookieHeader.charAt(to - 1) == '"') {
                    from++;
                    to--;
                }
                return cookieHeader.substring(from, to);
            }
            i = end + 1;
        }
        return null;
    }

    private static boolean isNamed(String header, int start, int end, String name) {
        int n = name.length();
        return end - start > n && header.charAt(start + n) == '=' && header.regionMatches(start, name, 0, n);
    }

    private static int skipSpaces(String s, int from, int to) {
        while (from < to && s.charAt(from) == ' ') {
            from++;
        }
        return from;
    }

    private static boolean idChars(String value, int end) {
        if (end == 0 || end > 32) {
            return false;
        }
        for (int i = 0; i < end; i++) {
            char c = value.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private int lookup(String value, int from, int to) {
        if (idValues != null) {
            long key = to - from == 8 ? HexDigits.eight(value, from, false) : -1;
            if (key < 0) {
                return -1;
            }
            for (int s = valueSlot(key); slots[s] >= 0; s = (s + 1) & (slots.length - 1)) {
                if (idValues[slots[s]] == key) {
                    return slots[s];
                }
            }
            return -1;
        }
        int s = slot(regionHash(value, from, to));
        int len = to - from;
        while (true) {
            int index = slots[s];
            if (index < 0) {
                return -1;
            }
            String id = ids[index];
            if (id.length() == len && value.regionMatches(from, id, 0, len)) {
                return index;
            }
            s = (s + 1) & (slots.length - 1);
        }
    }

    private int slot(int hash) {
        return (hash ^ (hash >>> 16)) & (slots.length - 1);
    }

    private int valueSlot(long idValue) {
        return (int) ((idValue * 0x9E3779B97F4A7C15L) >>> 40) & (slots.length - 1);
    }

    private static int regionHash(String s, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + s.charAt(i);
        }
        return h;
    }

    private static long pack(CookieStatus status, long server, boolean refresh, long firstSeen) {
        return status.ordinal() | (refresh ? 0x10 : 0) | ((server & NO_SERVER) << 8) | (firstSeen << 32);
    }

    private static long invalid() {
        return pack(CookieStatus.INVALID, NO_SERVER, false, 0);
    }

    /** Parses 1 to 12 lower-case hex digits; -1 when malformed. */
    private static long hex(String s, int from, int to) {
        if (to - from == 8) {
            return HexDigits.eight(s, from, false); // every date from 1971 to 2106
        }
        if (to <= from || to - from > 12) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = HexDigits.value(s.charAt(i), false); // we write lower case only
            if (d < 0) {
                return -1;
            }
            v = (v << 4) | d;
        }
        return v;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
