/**
 * Tether's routing engine: given a {@link dev.tether.routing.RequestView} and a compiled
 * {@link dev.tether.routing.RoutingTable}, {@link dev.tether.routing.Router} returns a
 * {@link dev.tether.routing.RouteDecision} saying which server, why, and what to do with the sticky cookie.
 *
 * <p>Pure Java with no Netty and no configuration library, so any Java server can embed it: build a
 * {@link dev.tether.routing.config.RoutingConfig} by hand, compile it, and route (see {@code EmbeddingExampleTest}).
 * Decisions on the hot paths (a sticky hit, a shard map, a balanced request without cookie) allocate nothing.
 */
package dev.tether.routing;
