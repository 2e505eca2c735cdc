package dev.tether.core.log;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * One access log line read back into its fields (see {@link AccessLog} for the format). Used by tests and by
 * tools that replay logs.
 *
 * @param clientAddress client ip
 * @param clientPort client port
 * @param startEpochMillis when the request head arrived
 * @param listener listener name
 * @param backend backend name, {@code null} for {@code -}
 * @param server server name, {@code null} for {@code -}
 * @param requestReadMillis Tq, first byte of the request head to the complete head; -1 when not seen (and for
 *     lines written before Tq was logged, which have four timers)
 * @param queueMillis Tw, -1 when the phase did not happen
 * @param connectMillis Tc
 * @param responseMillis Tr
 * @param totalMillis Tt
 * @param status status sent, -1 for none
 * @param bytesIn request body bytes
 * @param bytesOut response body bytes
 * @param termination two-letter termination code ({@link TerminationState#code()})
 * @param cookieStatus what the sticky cookie said ({@code dev.tether.routing.CookieStatus} name)
 * @param cookieSet whether the response set the cookie
 * @param reason routing reason
 * @param attempts connection attempts
 * @param method request method
 * @param uri request target, unescaped
 */
public record AccessLogLine(
        String clientAddress,
        int clientPort,
        long startEpochMillis,
        String listener,
        String backend,
        String server,
        long requestReadMillis,
        long queueMillis,
        long connectMillis,
        long responseMillis,
        long totalMillis,
        int status,
        long bytesIn,
        long bytesOut,
        String termination,
        String cookieStatus,
        boolean cookieSet,
        String reason,
        int attempts,
        String method,
        String uri) {

    private static final String MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";
    private static final int FIELDS_BEFORE_REQUEST = 11;

    /** The termination state named by the code, or {@code null} for an unknown code. */
    public TerminationState terminationState() {
        for (TerminationState t : TerminationState.values()) {
            if (t.code().equals(termination)) {
                return t;
            }
        }
        return null;
    }

    /**
     * Reads one line.
     *
     * @throws IllegalArgumentException saying which field is wrong
     */
    public static AccessLogLine parse(String line) {
        int quote = line.indexOf(" \"");
        if (quote < 0 || !line.endsWith("\"") || line.length() < quote + 3) {
            throw bad(line, "no quoted request at the end");
        }
        String[] f = line.substring(0, quote).split(" ", -1);
        if (f.length != FIELDS_BEFORE_REQUEST) {
            throw bad(line, f.length + " fields before the request (expected " + FIELDS_BEFORE_REQUEST + ")");
        }
        try {
            int colon = f[0].lastIndexOf(':');
            String[] route = pair(f[3], line, "backend/server");
            String[] timers = f[4].split("/", -1);
            if (timers.length == 4) {
                timers = new String[] {"-1", timers[0], timers[1], timers[2], timers[3]};
            } else if (timers.length != 5) {
                throw bad(line, "timers " + f[4] + " (expected Tq/Tw/Tc/Tr/Tt)");
            }
            String[] bytes = pair(f[6], line, "bytes in/out");
            String[] cookie = pair(f[8], line, "cookie status/set");
            String request = unescape(line.substring(quote + 2, line.length() - 1), line);
            int space = request.indexOf(' ');
            if (space < 0) {
                throw bad(line, "request " + request + " (expected METHOD uri)");
            }
            return new AccessLogLine(
                    f[0].substring(0, colon),
                    Integer.parseInt(f[0].substring(colon + 1)),
                    date(f[1], line),
                    f[2],
                    dash(route[0]),
                    dash(route[1]),
                    Long.parseLong(timers[0]),
                    Long.parseLong(timers[1]),
                    Long.parseLong(timers[2]),
                    Long.parseLong(timers[3]),
                    Long.parseLong(timers[4]),
                    Integer.parseInt(f[5]),
                    Long.parseLong(bytes[0]),
                    Long.parseLong(bytes[1]),
                    f[7],
                    cookie[0],
                    "set".equals(cookie[1]),
                    f[9],
                    Integer.parseInt(f[10]),
                    request.substring(0, space),
                    request.substring(space + 1));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            throw bad(line, e.toString());
        }
    }

    private static String[] pair(String field, String line, String what) {
        int slash = field.indexOf('/');
        if (slash < 0) {
            throw bad(line, what + " field " + field + " has no /");
        }
        return new String[] {field.substring(0, slash), field.substring(slash + 1)};
    }

    private static String dash(String value) {
        return value.equals("-") ? null : value;
    }

    /** {@code [22/Nov/2026:00:52:09.123]} (UTC). */
    private static long date(String field, String line) {
        if (field.length() != 26 || field.charAt(0) != '[' || field.charAt(25) != ']') {
            throw bad(line, "date " + field + " (expected [dd/Mon/yyyy:HH:mm:ss.SSS])");
        }
        int month = MONTHS.indexOf(field.substring(4, 7));
        if (month < 0 || month % 3 != 0) {
            throw bad(line, "month in " + field);
        }
        LocalDateTime t = LocalDateTime.of(Integer.parseInt(field.substring(8, 12)), month / 3 + 1,
                Integer.parseInt(field.substring(1, 3)), Integer.parseInt(field.substring(13, 15)),
                Integer.parseInt(field.substring(16, 18)), Integer.parseInt(field.substring(19, 21)),
                Integer.parseInt(field.substring(22, 25)) * 1_000_000);
        return t.toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    private static String unescape(String quoted, String line) {
        StringBuilder out = new StringBuilder(quoted.length());
        for (int i = 0; i < quoted.length(); i++) {
            char c = quoted.charAt(i);
            if (c == '"') {
                throw bad(line, "unescaped \" inside the request");
            }
            if (c != '\\') {
                out.append(c);
            } else if (i + 1 < quoted.length() && (quoted.charAt(i + 1) == '"' || quoted.charAt(i + 1) == '\\')) {
                out.append(quoted.charAt(++i));
            } else if (i + 3 < quoted.length() && quoted.charAt(i + 1) == 'x') {
                out.append((char) Integer.parseInt(quoted.substring(i + 2, i + 4), 16));
                i += 3;
            } else {
                throw bad(line, "bad escape at " + i + " in the request");
            }
        }
        return out.toString();
    }

    private static IllegalArgumentException bad(String line, String what) {
        return new IllegalArgumentException("access log line: " + what + ": " + line);
    }
}
