package dev.tether.routing.match;

import dev.tether.routing.RequestView;
import dev.tether.routing.config.RouteMatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link RouteMatch} compiled once per routing table: its regex is compiled here, not per request, and each thread
 * reuses one {@link Matcher}, so matching allocates nothing. A regex that is a plain sequence of characters and
 * classes ({@code /api/v1/[a-z]+/rows/[0-9]+}, the usual shape) is also compiled to a {@link SequenceRegex}, which
 * answers ASCII paths exactly as the Matcher would, without it.
 */
public final class RouteMatcher {

    // The conditions copied into fields: one load each instead of two through the record.
    private final String prefix;
    private final String exact;
    private final String host;
    private final String headerName;
    private final String headerValue;
    private final ThreadLocal<Matcher> regex;
    private final String regexPrefix;
    // The regex as a bit-parallel automaton when it is a plain sequence of characters and classes, else null.
    private final SequenceRegex sequence;
    // What a path starting with requiredPrefix() already satisfies (PathIndex proved it for its candidates).
    private final boolean prefixImplied;
    private final boolean regexPrefixImplied;

    /** @throws IllegalArgumentException when the regex does not compile */
    public RouteMatcher(RouteMatch match) {
        this.prefix = match.pathPrefix();
        this.exact = match.pathExact();
        this.host = match.host();
        this.headerName = match.headerName();
        this.headerValue = match.headerValue();
        if (match.pathRegex() != null) {
            Pattern pattern = compile(match.pathRegex(), "path-regex");
            this.regex = ThreadLocal.withInitial(() -> pattern.matcher(""));
            this.regexPrefix = literalPrefix(match.pathRegex());
            this.sequence = SequenceRegex.compile(match.pathRegex());
        } else {
            this.regex = null;
            this.regexPrefix = "";
            this.sequence = null;
        }
        String required = requiredPrefix();
        this.prefixImplied = prefix != null && required.startsWith(prefix);
        this.regexPrefixImplied = required.startsWith(regexPrefix)
                && (sequence == null || required.startsWith(sequence.literal()));
    }

    /**
     * A prefix every path this matcher accepts starts with: the longest of the exact path, the path prefix and the
     * regex's literal prefix; empty when the rule does not constrain the path. Used by {@link PathIndex}.
     */
    public String requiredPrefix() {
        String best = regexPrefix;
        if (prefix != null && prefix.length() > best.length()) {
            best = prefix;
        }
        if (exact != null && exact.length() > best.length()) {
            best = exact;
        }
        return best;
    }

    /** Whether every condition that is set holds for this request. */
    public boolean matches(RequestView request) {
        String path = request.path();
        return path.startsWith(requiredPrefix()) && matchesIndexed(request);
    }

    /**
     * As {@link #matches}, for a request whose path is known to start with {@link #requiredPrefix()} (a
     * {@link PathIndex} candidate): the path-prefix checks that implies are skipped.
     */
    public boolean matchesIndexed(RequestView request) {
        String path = request.path();
        if (prefix != null && !prefixImplied && !path.startsWith(prefix)) {
            return false;
        }
        if (exact != null && !path.equals(exact)) {
            return false;
        }
        if (host != null && !host.equalsIgnoreCase(request.host())) {
            return false;
        }
        if (headerName != null) {
            String value = request.header(headerName);
            if (value == null || (headerValue != null && !headerValue.equals(value))) {
                return false;
            }
        }
        // Last: the regex is the most expensive condition, and its literal prefix rules most paths out cheaply.
        if (regex == null) {
            return true;
        }
        if (sequence != null) {
            int answer = sequence.match(path, regexPrefixImplied);
            if (answer != SequenceRegex.UNKNOWN) {
                return answer == SequenceRegex.YES;
            }
        }
        return (regexPrefixImplied || path.startsWith(regexPrefix)) && regex.get().reset(path).matches();
    }

    /**
     * The literal text every match of {@code regex} (matched against the whole path) starts with, possibly empty.
     * Conservative: it stops at the first metacharacter, drops a character that a following {@code ? * {} makes
     * optional, and gives up on alternation, flags and escapes.
     */
    static String literalPrefix(String regex) {
        if (regex.indexOf('|') >= 0) {
            return "";
        }
        int i = regex.startsWith("^") ? 1 : 0;
        StringBuilder prefix = new StringBuilder();
        for (; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if ("\\^$.|?*+()[]{}".indexOf(c) >= 0) {
                if ((c == '?' || c == '*' || c == '{') && prefix.length() > 0) {
                    prefix.setLength(prefix.length() - 1);
                }
                break;
            }
            prefix.append(c);
        }
        return prefix.toString();
    }

    static Pattern compile(String regex, String key) {
        try {
            return Pattern.compile(regex);
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new IllegalArgumentException(
                    key + " = " + regex + ": not a valid Java regex (" + e.getDescription() + ")", e);
        }
    }
}
