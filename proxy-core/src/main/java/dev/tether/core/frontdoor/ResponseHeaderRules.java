package dev.tether.core.frontdoor;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.List;

/**
 * Headers a listener adds to or sets on every response it sends to clients, as HAProxy's
 * {@code http-response add-header} / {@code set-header} do: typically
 * {@code Strict-Transport-Security} on an https listener, and {@code X-Served-By: <server name>} for debugging.
 *
 * <p>{@link #apply} is a pure function over the response head; call it once per response, after the backend's
 * headers are in and before the head is written. Order: {@code set} entries replace any value of that name,
 * then {@code add} entries are appended, then {@code X-Served-By} is set. Names and values are checked when the
 * rules are built, so a header can never smuggle a CR, LF or NUL into the response.
 *
 * @param add headers appended to whatever the response already has
 * @param set headers that replace any value the response already has
 * @param servedBy when true, {@code X-Served-By} is set to the name of the server that answered
 */
public record ResponseHeaderRules(List<Header> add, List<Header> set, boolean servedBy) {

    public static final AsciiString X_SERVED_BY = AsciiString.cached("x-served-by");

    private static final ResponseHeaderRules NONE = new ResponseHeaderRules(List.of(), List.of(), false);

    public ResponseHeaderRules {
        add = List.copyOf(add);
        set = List.copyOf(set);
    }

    public static ResponseHeaderRules none() {
        return NONE;
    }

    public boolean isEmpty() {
        return add.isEmpty() && set.isEmpty() && !servedBy;
    }

    /**
     * Applies the rules to one response head.
     *
     * @param headers the response headers, changed in place
     * @param serverName the server that produced the response, or null when Tether answered itself (no
     *     {@code X-Served-By} then)
     */
    public void apply(HttpHeaders headers, String serverName) {
        for (Header header : set) {
            headers.set(header.name, header.value);
        }
        for (Header header : add) {
            headers.add(header.name, header.value);
        }
        if (servedBy && serverName != null && problemInValue(serverName) == null) {
            headers.set(X_SERVED_BY, serverName);
        }
    }

    /**
     * One header; the name must be an HTTP token and the value printable (HTAB allowed), so no CR, LF or NUL.
     *
     * @throws IllegalArgumentException saying which character is wrong and where
     */
    public record Header(AsciiString name, String value) {

        public Header {
            String problem = problem(name == null ? null : name.toString(), value);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
        }

        public static Header of(String name, String value) {
            String problem = problem(name, value);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            return new Header(AsciiString.of(name), value);
        }

        @Override
        public String toString() {
            return name + ": " + value;
        }
    }

    /** Checks a header before building it; null when fine, else what is wrong and what is accepted. */
    public static String problem(String name, String value) {
        if (name == null || name.isEmpty()) {
            return "header name is empty";
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isTokenChar(name.charAt(i))) {
                return "header name \"" + printable(name) + "\" has " + describe(name.charAt(i)) + " at position "
                        + i + " (expected letters, digits and !#$%&'*+-.^_`|~)";
            }
        }
        if (value == null) {
            return "header " + name + " has no value";
        }
        String valueProblem = problemInValue(value);
        return valueProblem == null ? null : "header " + name + ": " + valueProblem;
    }

    private static String problemInValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0 || (c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
                return "value \"" + printable(value) + "\" has " + describe(c) + " at position " + i
                        + " (expected printable characters; CR, LF, NUL and other control characters are not "
                        + "allowed)";
            }
        }
        return null;
    }

    private static boolean isTokenChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static String describe(char c) {
        return switch (c) {
            case '\r' -> "CR";
            case '\n' -> "LF";
            case 0 -> "NUL";
            case ' ' -> "a space";
            default -> c < 0x20 || c == 0x7f || c > 0xff
                    ? String.format("character U+%04X", (int) c) : "'" + c + "'";
        };
    }

    private static String printable(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0");
    }
}
