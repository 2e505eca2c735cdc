package dev.tether.routing.config;

/**
 * Conditions of a route; every condition that is set must hold. All {@code null} matches every request.
 *
 * @param pathPrefix the path starts with this (HAProxy {@code path_beg})
 * @param pathExact the path equals this
 * @param pathRegex the whole path matches this Java regex
 * @param host the Host equals this, ignoring case
 * @param headerName a header that must be present
 * @param headerValue when set with {@code headerName}, the header's first value equals this
 */
public record RouteMatch(
        String pathPrefix, String pathExact, String pathRegex, String host, String headerName, String headerValue) {

    public static final RouteMatch ANY = new RouteMatch(null, null, null, null, null, null);

    public static RouteMatch pathPrefix(String prefix) {
        return new RouteMatch(prefix, null, null, null, null, null);
    }
}
