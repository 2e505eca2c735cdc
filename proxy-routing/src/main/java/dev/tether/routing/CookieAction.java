package dev.tether.routing;

import dev.tether.routing.sticky.ServerCookies;

/** What the proxy does to the sticky cookie on the response. */
public sealed interface CookieAction {

    /** Leave the client's cookie as it is. */
    record Keep() implements CookieAction {}

    /**
     * Add this {@code Set-Cookie} header value to the response (insert mode).
     *
     * @param setCookieValue the whole header value, for example {@code srv=s1; Path=/; HttpOnly}
     * @param nocache also add {@code Cache-Control: private}
     */
    record Set(String setCookieValue, boolean nocache) implements CookieAction {}

    /**
     * Edit every {@code Set-Cookie} of the server's response that sets cookie {@code name} (rewrite and prefix mode):
     * its value becomes {@code value}, or {@code value~} is put in front of it. Responses that set no such cookie
     * pass unchanged; Tether never adds one in these modes.
     *
     * @param name the cookie name
     * @param value the id of the server that answered (with its signature when the cookie is signed)
     * @param prefix prefix the server's value rather than replace it
     * @param nocache add {@code Cache-Control: private} when a header was edited
     */
    record Rewrite(String name, String value, boolean prefix, boolean nocache) implements CookieAction {

        /** One {@code Set-Cookie} header value, edited when it sets our cookie, else the same instance. */
        public String apply(String setCookie) {
            return ServerCookies.rewriteSetCookie(setCookie, name, value, prefix);
        }
    }

    CookieAction KEEP = new Keep();
}
