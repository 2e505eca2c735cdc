package dev.tether.routing.config;

/** What a rule that pins traffic to one server does when that server is not usable. */
public enum UnavailablePolicy {
    /** Answer 503: the pinned server must be the only one to see this traffic (shard maps). */
    REFUSE,
    /** Balance over the backend as if the rule had not pinned a server (HAProxy's {@code use-server}). */
    FALLBACK
}
