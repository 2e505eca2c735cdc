package dev.tether.routing;

/**
 * Read-only view of a request head, all the routing engine may look at.
 *
 * <p>The proxy adapts its own request type to this (proxy-core's {@code NettyRequestView}); embedders and tests
 * implement it directly. Implementations should answer from the parsed head without copying it.
 */
public interface RequestView {

    /** The method in upper case, for example {@code GET}. */
    String method();

    /** The normalised path, without the query, always starting with {@code /}. */
    String path();

    /** The raw query string without {@code ?}, or {@code null} when the target had none. */
    String query();

    /**
     * The Host header (or the authority of an absolute-form target), without port; an IPv6 literal keeps its
     * brackets ({@code [::1]}); {@code null} if absent.
     */
    String host();

    /** The first value of a header (name case-insensitive), or {@code null}. */
    String header(String name);

    /** The value of the first cookie with this exact name across all Cookie headers, or {@code null}. */
    String cookie(String name);

    /** The client's address as text ({@code 192.0.2.7} or {@code 2001:db8::1}), or {@code null} when unknown. */
    String clientAddress();
}
