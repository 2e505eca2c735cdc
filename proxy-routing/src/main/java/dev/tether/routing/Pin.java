package dev.tether.routing;

import dev.tether.routing.config.UnavailablePolicy;
import dev.tether.routing.match.UuidShardMap;

/** The part of a route that pins a request to one server of its backend: use-server, a shard map or a hash. */
interface Pin {

    /** The index of the pinned server in the backend, or -1 when this request carries no key to pin on. */
    int target(RequestView request);

    /**
     * Where a {@code fallback} pin goes when its server is unusable: a server index, or -1 to balance normally.
     * The hash pin walks its ring; the others balance.
     */
    default int fallback(RequestView request, BackendSnapshot backend) {
        return -1;
    }

    UnavailablePolicy policy();

    /** The reason reported when this pin decides. */
    Reason reason();

    /** Pins every request to one server ({@code use-server}). */
    record UseServer(int server, UnavailablePolicy policy) implements Pin {

        @Override
        public int target(RequestView request) {
            return server;
        }

        @Override
        public Reason reason() {
            return Reason.PATH_RULE;
        }
    }

    /** Pins by the base UUID in the path through a compiled shard map. */
    record UuidMap(UuidShardMap map, UnavailablePolicy policy) implements Pin {

        @Override
        public int target(RequestView request) {
            return map.route(request.path());
        }

        @Override
        public Reason reason() {
            return Reason.UUID_PREFIX_MAP;
        }
    }
}
