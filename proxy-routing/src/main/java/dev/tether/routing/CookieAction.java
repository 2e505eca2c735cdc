package dev.tether.routing;

/** What the proxy does to the sticky cookie on the response. */
public sealed interface CookieAction {

    /** Leave the client's cookie as it is. */
    record Keep() implements CookieAction {}

    /**
     * Add this {@code Set-Cookie} header value to the response.
     *
     * @param setCookieValue the whole header value, for example {@code srv=s1; Path=/; HttpOnly}
     * @param nocache also add {@code Cache-Control: private}
     */
    record Set(String setCookieValue, boolean nocache) implements CookieAction {}

    CookieAction KEEP = new Keep();
}
