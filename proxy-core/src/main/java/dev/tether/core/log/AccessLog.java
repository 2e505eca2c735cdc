package dev.tether.core.log;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one line per finished exchange to the slf4j logger {@value #LOGGER}, in a HAProxy-like format:
 *
 * <pre>
 * 127.0.0.1:50412 [22/Nov/2026:00:52:09.123] main api/s1 0/0/1/12/15 200 0/5120 -- VALID/- STICKY_COOKIE 1 "GET /project/42?x=1"
 * |               |                          |    |      |            |   |      |  |       |             | |
 * client ip:port  request head arrived (UTC) |    |      |            |   |      |  |       reason        | request line
 *                                   listener    backend/server        |   |      |  sticky cookie seen/set  attempts
 *                                               Tq/Tw/Tc/Tr/Tt (ms) status |      termination state (TerminationState)
 *                                                                      bytes in/out (bodies)
 * </pre>
 *
 * <ul>
 *   <li>{@code Tq} (HAProxy's {@code TR}) first byte of the request head to the complete head: a slow client or a
 *       slowloris shows here; -1 for a pipelined request whose bytes came with the one before it.
 *   <li>{@code Tw} queue wait, {@code Tc} connect (last attempt), {@code Tr} request head in to response head out,
 *       {@code Tt} request head in to last byte out; -1 when the phase did not happen. Unlike HAProxy's {@code Tr},
 *       ours includes {@code Tw} and {@code Tc}: it is what the client waited for the response head.
 *   <li>{@code -} stands for a missing backend or server; {@code status} is -1 when no response was sent.
 *   <li>Names are written with whitespace replaced by {@code _}; in the request line {@code "} and {@code \} are
 *       escaped with {@code \} and control characters as {@code \xHH}, so {@link AccessLogLine#parse} reads every
 *       line back.
 * </ul>
 *
 * <p>{@code -Dtether.access.format=json} writes one JSON object per line instead (see {@link #json}).
 *
 * <p>Where the lines go (stdout, a rotated file, nowhere) is logback configuration, see {@code logback.xml} and
 * {@code docs/metrics.md}; the default configuration hands lines to an async appender that drops rather than blocks
 * the event loop when the disk falls behind.
 */
public final class AccessLog implements ExchangeListener {

    /** The logger access lines go to. */
    public static final String LOGGER = "tether.access";

    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
        "Nov", "Dec"};

    /** System property choosing the line format: {@code haproxy} (default) or {@code json}. */
    public static final String FORMAT_PROPERTY = "tether.access.format";

    /** How a line is written. */
    public enum Format {
        /** The HAProxy-like text line above. */
        HAPROXY,
        /** One JSON object per line, for log shippers; field names in {@link AccessLog#json}. */
        JSON;

        /**
         * {@code haproxy} or {@code json}, any case.
         *
         * @throws IllegalArgumentException naming the value and what is accepted
         */
        public static Format parse(String value) {
            for (Format f : values()) {
                if (f.name().equalsIgnoreCase(value == null ? "" : value.strip())) {
                    return f;
                }
            }
            throw new IllegalArgumentException(
                    FORMAT_PROPERTY + " = " + value + " (expected haproxy or json)");
        }
    }

    private final Logger logger;
    private final Format format;

    /** Lines to {@value #LOGGER} in the format named by {@code -Dtether.access.format} (default haproxy). */
    public AccessLog() {
        this(LoggerFactory.getLogger(LOGGER), Format.parse(System.getProperty(FORMAT_PROPERTY, "haproxy")));
    }

    public AccessLog(Logger logger) {
        this(logger, Format.HAPROXY);
    }

    public AccessLog(Logger logger, Format format) {
        this.logger = logger;
        this.format = format;
    }

    @Override
    public void exchangeFinished(ExchangeRecord record) {
        if (logger.isInfoEnabled()) {
            logger.info(format == Format.JSON ? json(record) : format(record));
        }
    }

    /** The access log line for {@code r}, without a line break. */
    public static String format(ExchangeRecord r) {
        StringBuilder out = new StringBuilder(160 + (r.uri() == null ? 0 : r.uri().length()));
        token(out, r.clientAddress()).append(':').append(r.clientPort()).append(" [");
        date(out, r.startEpochMillis()).append("] ");
        token(out, r.listener()).append(' ');
        token(out, r.backend()).append('/');
        token(out, r.server()).append(' ');
        out.append(millis(r.requestReadNanos())).append('/')
                .append(millis(r.queueNanos())).append('/').append(millis(r.connectNanos())).append('/')
                .append(millis(r.responseNanos())).append('/').append(millis(r.totalNanos())).append(' ');
        out.append(r.status()).append(' ');
        out.append(r.bytesIn()).append('/').append(r.bytesOut()).append(' ');
        out.append(r.termination() == null ? "--" : r.termination().code()).append(' ');
        token(out, r.cookieStatus()).append('/').append(r.cookieSet() ? "set" : "-").append(' ');
        token(out, r.reason()).append(' ');
        out.append(r.attempts()).append(" \"");
        token(out, r.method()).append(' ');
        quoted(out, r.uri() == null ? "-" : r.uri());
        return out.append('"').toString();
    }

    /**
     * The JSON line for {@code r}: {@code time} (ISO-8601 UTC), {@code client}, {@code clientPort},
     * {@code listener}, {@code backend}, {@code server} (null when none), {@code requestReadMs}, {@code queueMs},
     * {@code connectMs},
     * {@code responseMs}, {@code totalMs} (-1 when the phase did not happen), {@code status}, {@code bytesIn},
     * {@code bytesOut}, {@code termination} (two-letter code), {@code cookie}, {@code cookieSet}, {@code reason},
     * {@code attempts}, {@code method}, {@code uri}, {@code tunnel}.
     */
    public static String json(ExchangeRecord r) {
        StringBuilder out = new StringBuilder(320 + (r.uri() == null ? 0 : r.uri().length()));
        out.append("{\"time\":\"");
        isoDate(out, r.startEpochMillis()).append("\",\"client\":");
        Json.string(out, r.clientAddress());
        out.append(",\"clientPort\":").append(r.clientPort()).append(",\"listener\":");
        Json.string(out, r.listener());
        out.append(",\"backend\":");
        Json.string(out, r.backend());
        out.append(",\"server\":");
        Json.string(out, r.server());
        out.append(",\"requestReadMs\":").append(millis(r.requestReadNanos()))
                .append(",\"queueMs\":").append(millis(r.queueNanos()))
                .append(",\"connectMs\":").append(millis(r.connectNanos()))
                .append(",\"responseMs\":").append(millis(r.responseNanos()))
                .append(",\"totalMs\":").append(millis(r.totalNanos()))
                .append(",\"status\":").append(r.status())
                .append(",\"bytesIn\":").append(r.bytesIn())
                .append(",\"bytesOut\":").append(r.bytesOut())
                .append(",\"termination\":\"").append(r.termination() == null ? "--" : r.termination().code())
                .append("\",\"cookie\":");
        Json.string(out, r.cookieStatus());
        out.append(",\"cookieSet\":").append(r.cookieSet()).append(",\"reason\":");
        Json.string(out, r.reason());
        out.append(",\"attempts\":").append(r.attempts()).append(",\"method\":");
        Json.string(out, r.method());
        out.append(",\"uri\":");
        Json.string(out, r.uri());
        return out.append(",\"tunnel\":").append(r.tunnel()).append('}').toString();
    }

    /** {@code 2026-11-22T00:52:09.123Z}. */
    private static StringBuilder isoDate(StringBuilder out, long epochMillis) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000L),
                (int) Math.floorMod(epochMillis, 1000L) * 1_000_000, ZoneOffset.UTC);
        out.append(t.getYear()).append('-');
        two(out, t.getMonthValue()).append('-');
        two(out, t.getDayOfMonth()).append('T');
        two(out, t.getHour()).append(':');
        two(out, t.getMinute()).append(':');
        two(out, t.getSecond()).append('.');
        int ms = t.getNano() / 1_000_000;
        return out.append((char) ('0' + ms / 100)).append((char) ('0' + ms / 10 % 10)).append((char) ('0' + ms % 10))
                .append('Z');
    }

    private static long millis(long nanos) {
        return nanos < 0 ? -1 : nanos / 1_000_000;
    }

    /** {@code 22/Nov/2026:00:52:09.123}, UTC, as HAProxy writes its accept date. */
    static StringBuilder date(StringBuilder out, long epochMillis) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000L),
                (int) Math.floorMod(epochMillis, 1000L) * 1_000_000, ZoneOffset.UTC);
        two(out, t.getDayOfMonth()).append('/').append(MONTHS[t.getMonthValue() - 1]).append('/')
                .append(t.getYear()).append(':');
        two(out, t.getHour()).append(':');
        two(out, t.getMinute()).append(':');
        two(out, t.getSecond()).append('.');
        int ms = t.getNano() / 1_000_000;
        return out.append((char) ('0' + ms / 100)).append((char) ('0' + ms / 10 % 10)).append((char) ('0' + ms % 10));
    }

    private static StringBuilder two(StringBuilder out, int value) {
        return out.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }

    /** A name as one space-free field; {@code -} when absent. */
    private static StringBuilder token(StringBuilder out, String value) {
        if (value == null || value.isEmpty()) {
            return out.append('-');
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            out.append(c <= ' ' || c == 0x7f ? '_' : c);
        }
        return out;
    }

    private static void quoted(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < ' ' || c == 0x7f) {
                out.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            } else {
                out.append(c);
            }
        }
    }
}
