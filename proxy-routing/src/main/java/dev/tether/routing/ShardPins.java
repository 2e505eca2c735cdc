package dev.tether.routing;

import java.util.function.Predicate;

/**
 * Keeps a shard key on the server it was last routed to while it stays active, even after a reload moved it in the
 * map. The router asks this once per request that a {@code uuid-map} rule routed, with the server the current map
 * names; the answer is the server to use.
 *
 * <p>Only the interface lives here (no Caffeine in proxy-routing); proxy-core's {@code ShardPinTable} is the
 * Caffeine-backed implementation, passed to {@link Router}. See docs/operations.md, "Shard-map changes".
 */
@FunctionalInterface
public interface ShardPins {

    /** Always follows the map: what the router does without pins. */
    ShardPins NONE = (rule, key, mapped, exists) -> mapped;

    /**
     * The server a request for {@code key} goes to.
     *
     * @param rule the name of the uuid-map rule that routed the request
     * @param key the shard key as found in the path (a base UUID; dashes and case do not matter)
     * @param mapped the server the current map names
     * @param exists whether a server of the rule's backend still exists (by name)
     * @return {@code mapped}, or the server {@code key} is pinned to when that differs and still exists
     */
    String route(String rule, CharSequence key, String mapped, Predicate<String> exists);
}
