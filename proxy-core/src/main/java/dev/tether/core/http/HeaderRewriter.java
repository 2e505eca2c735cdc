package dev.tether.core.http;

import dev.tether.routing.CookieAction;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Removes hop-by-hop headers (RFC 9110 section 7.6.1), sets the {@code X-Forwarded-*} headers, and applies the
 * routing engine's cookie edits to {@code Cookie} and {@code Set-Cookie} headers.
 *
 * <p>Framing is never passed through: {@code Transfer-Encoding} is removed here and the caller sets the framing
 * it will actually use for the next hop, so a client's framing bytes never reach a server as they were.
 */
public final class HeaderRewriter {

    private static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");
    private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
    private static final AsciiString PROXY_AUTHENTICATE = AsciiString.cached("proxy-authenticate");
    private static final AsciiString PROXY_AUTHORIZATION = AsciiString.cached("proxy-authorization");
    public static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    public static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    public static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");

    private HeaderRewriter() {}

    /**
     * Removes {@code Connection}, every header it names, and the fixed hop-by-hop set. The headers named by
     * {@code Connection} go first, so {@code Connection: close, X-Forwarded-For} cannot remove a header the
     * proxy sets afterwards.
     */
    public static void removeHopByHop(HttpHeaders headers) {
        Iterator<String> connection = headers.valueStringIterator(HttpHeaderNames.CONNECTION);
        if (connection.hasNext()) {
            String first = connection.next();
            // The usual single Connection header needs no list. Values are all read before anything is removed.
            if (!connection.hasNext()) {
                removeListed(headers, first);
            } else {
                for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
                    removeListed(headers, value);
                }
            }
        }
        headers.remove(HttpHeaderNames.CONNECTION);
        headers.remove(KEEP_ALIVE);
        headers.remove(PROXY_CONNECTION);
        headers.remove(PROXY_AUTHENTICATE);
        headers.remove(PROXY_AUTHORIZATION);
        headers.remove(HttpHeaderNames.TE);
        headers.remove(HttpHeaderNames.TRAILER);
        headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
        headers.remove(HttpHeaderNames.UPGRADE);
    }

    /** Removes the headers one Connection value names. */
    private static void removeListed(HttpHeaders headers, String value) {
        if (value.indexOf(',') < 0) {
            removeNamed(headers, value); // the usual single token (keep-alive, close): no split
        } else {
            for (String token : value.split(",")) {
                removeNamed(headers, token);
            }
        }
    }

    private static void removeNamed(HttpHeaders headers, String token) {
        String name = token.trim();
        if (!name.isEmpty()) {
            headers.remove(name);
        }
    }

    /**
     * Sets the forwarding headers on a request bound for a server.
     *
     * @param forwardedFor the complete X-Forwarded-For value to send (prior hops, if trusted, then the client)
     * @param proto {@code http} or {@code https}
     * @param host the Host the client asked for, or {@code null}
     */
    public static void setForwarded(HttpHeaders headers, String forwardedFor, String proto, String host) {
        headers.set(X_FORWARDED_FOR, forwardedFor);
        headers.set(X_FORWARDED_PROTO, proto);
        if (host != null) {
            headers.set(X_FORWARDED_HOST, host);
        } else {
            headers.remove(X_FORWARDED_HOST);
        }
    }

    /**
     * Edits every header called {@code name} with {@code edit}, keeping their order; {@code edit} answers the same
     * instance for a value it leaves alone and {@code null} for one to drop.
     *
     * @return whether any value changed
     */
    public static boolean edit(HttpHeaders headers, CharSequence name, UnaryOperator<String> edit) {
        List<String> values = headers.getAll(name);
        List<String> edited = null;
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            String result = edit.apply(value);
            if (result != value && edited == null) {
                edited = new ArrayList<>(values.subList(0, i));
            }
            if (edited != null && result != null) {
                edited.add(result);
            }
        }
        if (edited == null) {
            return false;
        }
        headers.remove(name);
        for (String value : edited) {
            headers.add(name, value);
        }
        return true;
    }

    /**
     * Applies a rewrite- or prefix-mode cookie edit to the server's {@code Set-Cookie} headers, and adds
     * {@code Cache-Control: private} for {@code nocache} when one was edited.
     *
     * @return whether the response now sets our cookie
     */
    public static boolean rewriteSetCookies(HttpHeaders headers, CookieAction.Rewrite rewrite) {
        if (!edit(headers, HttpHeaderNames.SET_COOKIE, rewrite::apply)) {
            return false;
        }
        if (rewrite.nocache()) {
            headers.set(HttpHeaderNames.CACHE_CONTROL, "private");
        }
        return true;
    }
}
