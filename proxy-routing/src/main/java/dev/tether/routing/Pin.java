package dev.tether.routing;

import dev.tether.routing.balance.ConsistentHash;
import dev.tether.routing.config.HashConfig;
import dev.tether.routing.config.UnavailablePolicy;
import dev.tether.routing.match.UuidFinder;
import dev.tether.routing.match.UuidShardMap;
import java.util.function.IntPredicate;

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

    /**
     * Pins by a consistent hash of a request key. A request without the key is not pinned. With {@code fallback},
     * an unusable owner's keys walk on along the ring, so each key still lands on a single server.
     */
    record Hash(ConsistentHash ring, HashConfig.Source source, String name, UnavailablePolicy policy) implements Pin {

        @Override
        public int target(RequestView request) {
            long hash = hash(request);
            return hash == NO_KEY ? -1 : ring.owner(hash);
        }

        @Override
        public int fallback(RequestView request, BackendSnapshot backend) {
            long hash = hash(request);
            return hash == NO_KEY ? -1 : ring.next(hash, i -> backend.servers.get(i).state().acceptsSticky());
        }

        /**
         * The first server after the key's owner on the ring that {@code usable} accepts, or -1 (no key, or none).
         * A retry walks the same order as a fallback, so every retry of one key goes to the same next server.
         */
        int walk(RequestView request, IntPredicate usable) {
            long hash = hash(request);
            return hash == NO_KEY ? -1 : ring.next(hash, usable);
        }

        @Override
        public Reason reason() {
            return Reason.HASH;
        }

        // A real key hashing to this value is merely not pinned: a one in 2^64 event.
        private static final long NO_KEY = 0x8000000000000000L;

        private long hash(RequestView request) {
            String value;
            switch (source) {
                case UUID:
                    value = request.path();
                    long region = value == null ? -1 : UuidFinder.FIRST_IN_PATH.find(value);
                    return region < 0 ? NO_KEY
                            : ConsistentHash.hexKeyHash(value, UuidFinder.start(region), UuidFinder.end(region));
                case SOURCE:
                    value = request.clientAddress();
                    break;
                case HEADER:
                    value = request.header(name);
                    break;
                case COOKIE:
                    value = request.cookie(name);
                    break;
                default:
                    throw new IllegalStateException("unknown hash source " + source);
            }
            return value == null || value.isEmpty() ? NO_KEY : ConsistentHash.keyHash(value, 0, value.length());
        }
    }
}
