package dev.tether.routing.config;

/**
 * One routing rule. Rules are evaluated in order and the first whose {@link RouteMatch} holds decides.
 *
 * @param name rule name, reported in every decision it makes
 * @param match conditions
 * @param backend the backend that serves matching requests
 * @param useServer pin matching requests to this server of the backend, or {@code null}
 * @param onUnavailable what to do when {@code useServer} is not usable
 */
public record RouteConfig(
        String name, RouteMatch match, String backend, String useServer, UnavailablePolicy onUnavailable) {

    public RouteConfig {
        ServerConfig.requireText(name, "route name");
        ServerConfig.requireText(backend, "route " + name + ": backend");
        match = match == null ? RouteMatch.ANY : match;
        onUnavailable = onUnavailable == null ? UnavailablePolicy.FALLBACK : onUnavailable;
    }

    public static RouteConfig to(String name, RouteMatch match, String backend) {
        return new RouteConfig(name, match, backend, null, UnavailablePolicy.FALLBACK);
    }
}
