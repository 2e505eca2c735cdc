package dev.tether.routing;

import dev.tether.routing.model.Server;

/** The router's answer: forward to a server, or reject with a status. */
public sealed interface RouteDecision {

    /**
     * Send the request to {@code server}.
     *
     * @param server the chosen server
     * @param reason why this server
     * @param rule the name of the rule that decided, or {@code default}
     * @param cookieStatus what the request's sticky cookie said
     * @param cookieAction what to do with the cookie on the response
     * @param stripCookie edit the request's {@code Cookie} headers with the backend's
     *     {@code StickyCookies.forwardedCookieHeader} before forwarding: remove the sticky cookie ({@code indirect})
     *     or, in prefix mode, the {@code ID~} prefix of its value
     */
    record Forward(
            Server server,
            Reason reason,
            String rule,
            CookieStatus cookieStatus,
            CookieAction cookieAction,
            boolean stripCookie)
            implements RouteDecision {}

    /**
     * Answer the client directly.
     *
     * @param status HTTP status, 503 when no server is usable
     * @param reason why
     * @param rule the rule that decided
     * @param message one short sentence for the error body
     */
    record Reject(int status, Reason reason, String rule, String message) implements RouteDecision {}
}
