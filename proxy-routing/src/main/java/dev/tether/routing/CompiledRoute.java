package dev.tether.routing;

import dev.tether.routing.config.RouteConfig;
import dev.tether.routing.match.RouteMatcher;

/**
 * A route ready to evaluate: its matcher, its backend and, when it pins, its pin.
 *
 * @param index position in the table, also the route's slot in each backend's decision cache
 * @param pin {@code null} when the route only picks a backend
 */
record CompiledRoute(int index, RouteConfig config, RouteMatcher matcher, Pin pin) {

    String name() {
        return config.name();
    }

    String backend() {
        return config.backend();
    }
}
