package dev.tether.core.config;

import dev.tether.core.frontdoor.FrontDoorConfig;
import java.time.Duration;

/**
 * One address Tether accepts clients on, with the client-side timeouts and limits.
 *
 * @param name listener name, used in logs and metrics
 * @param address bind address, {@code 0.0.0.0} or {@code 127.0.0.1} or {@code ::}
 * @param port TCP port, 0 for an ephemeral one (tests)
 * @param clientTimeout inactivity allowed while reading a request (HAProxy {@code timeout client})
 * @param httpRequestTimeout a whole request head must arrive within this (slowloris guard)
 * @param keepAliveTimeout an idle client connection between requests is closed after this
 * @param maxBodyBytes request bodies above this get 413
 * @param maxHeaderBytes request heads above this get 431
 * @param maxUriLength request targets longer than this get 414
 * @param frontDoor TLS, https redirect, response headers, trusted proxies, PROXY protocol (docs/front-door.md)
 * @param maxConnections client connections open on this listener at most, 0 for no limit
 * @param maxConnectionsPerClient client connections open per client IP at most, 0 for no limit
 * @param minBodyRate bytes per second a request body must keep up once {@code minBodyRateGrace} has passed, else
 *     408; 0 turns the check off
 * @param minBodyRateGrace waiting for a body this long is never judged, so a slow start is not punished
 */
public record ListenerConfig(
        String name,
        String address,
        int port,
        Duration clientTimeout,
        Duration httpRequestTimeout,
        Duration keepAliveTimeout,
        long maxBodyBytes,
        int maxHeaderBytes,
        int maxUriLength,
        FrontDoorConfig frontDoor,
        int maxConnections,
        int maxConnectionsPerClient,
        long minBodyRate,
        Duration minBodyRateGrace) {

    /** The reference {@code min-body-rate-grace}, also what listeners built without one get. */
    public static final Duration DEFAULT_MIN_BODY_RATE_GRACE = Duration.ofSeconds(5);

    public ListenerConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("listener " + name + ": port = " + port + " (expected 0..65535)");
        }
        if (maxConnections < 0 || maxConnectionsPerClient < 0) {
            throw new IllegalArgumentException("listener " + name + ": max-connections = " + maxConnections
                    + ", max-connections-per-client = " + maxConnectionsPerClient + " (expected >= 0, 0 = no limit)");
        }
        if (minBodyRate < 0) {
            throw new IllegalArgumentException("listener " + name + ": min-body-rate = " + minBodyRate
                    + " (expected >= 0 bytes per second, 0 = off)");
        }
        minBodyRateGrace = minBodyRateGrace == null ? DEFAULT_MIN_BODY_RATE_GRACE : minBodyRateGrace;
        if (minBodyRateGrace.isNegative()) {
            throw new IllegalArgumentException("listener " + name + ": min-body-rate-grace = " + minBodyRateGrace
                    + " (expected a duration >= 0)");
        }
        frontDoor = frontDoor == null ? FrontDoorConfig.plain() : frontDoor;
    }

    /** A listener without connection caps or minimum body rate. */
    public ListenerConfig(
            String name,
            String address,
            int port,
            Duration clientTimeout,
            Duration httpRequestTimeout,
            Duration keepAliveTimeout,
            long maxBodyBytes,
            int maxHeaderBytes,
            int maxUriLength,
            FrontDoorConfig frontDoor) {
        this(name, address, port, clientTimeout, httpRequestTimeout, keepAliveTimeout, maxBodyBytes, maxHeaderBytes,
                maxUriLength, frontDoor, 0, 0, 0, DEFAULT_MIN_BODY_RATE_GRACE);
    }

    /** A plain-HTTP listener: no TLS, nothing trusted, no header rules. */
    public ListenerConfig(
            String name,
            String address,
            int port,
            Duration clientTimeout,
            Duration httpRequestTimeout,
            Duration keepAliveTimeout,
            long maxBodyBytes,
            int maxHeaderBytes,
            int maxUriLength) {
        this(name, address, port, clientTimeout, httpRequestTimeout, keepAliveTimeout, maxBodyBytes, maxHeaderBytes,
                maxUriLength, FrontDoorConfig.plain());
    }

    /** A listener with the reference defaults, for tests and the demo. */
    public static ListenerConfig of(String name, String address, int port) {
        return new ListenerConfig(name, address, port, Duration.ofMinutes(1), Duration.ofSeconds(10),
                Duration.ofSeconds(10), 50L * 1024 * 1024, 32 * 1024, 8 * 1024);
    }

    /** This listener with other front-door settings. */
    public ListenerConfig withFrontDoor(FrontDoorConfig frontDoor) {
        return new ListenerConfig(name, address, port, clientTimeout, httpRequestTimeout, keepAliveTimeout,
                maxBodyBytes, maxHeaderBytes, maxUriLength, frontDoor, maxConnections, maxConnectionsPerClient,
                minBodyRate, minBodyRateGrace);
    }

    public ListenerConfig withClientTimeout(Duration timeout) {
        return new ListenerConfig(name, address, port, timeout, httpRequestTimeout, keepAliveTimeout,
                maxBodyBytes, maxHeaderBytes, maxUriLength, frontDoor, maxConnections, maxConnectionsPerClient,
                minBodyRate, minBodyRateGrace);
    }

    public ListenerConfig withHttpRequestTimeout(Duration timeout) {
        return new ListenerConfig(name, address, port, clientTimeout, timeout, keepAliveTimeout,
                maxBodyBytes, maxHeaderBytes, maxUriLength, frontDoor, maxConnections, maxConnectionsPerClient,
                minBodyRate, minBodyRateGrace);
    }

    public ListenerConfig withKeepAliveTimeout(Duration timeout) {
        return new ListenerConfig(name, address, port, clientTimeout, httpRequestTimeout, timeout,
                maxBodyBytes, maxHeaderBytes, maxUriLength, frontDoor, maxConnections, maxConnectionsPerClient,
                minBodyRate, minBodyRateGrace);
    }

    public ListenerConfig withMaxBodyBytes(long max) {
        return new ListenerConfig(name, address, port, clientTimeout, httpRequestTimeout, keepAliveTimeout,
                max, maxHeaderBytes, maxUriLength, frontDoor, maxConnections, maxConnectionsPerClient,
                minBodyRate, minBodyRateGrace);
    }

    /** This listener with other connection caps (0 = no limit). */
    public ListenerConfig withMaxConnections(int max, int maxPerClient) {
        return new ListenerConfig(name, address, port, clientTimeout, httpRequestTimeout, keepAliveTimeout,
                maxBodyBytes, maxHeaderBytes, maxUriLength, frontDoor, max, maxPerClient, minBodyRate,
                minBodyRateGrace);
    }

    /** This listener with another minimum request body rate (bytes per second, 0 = off) and its grace. */
    public ListenerConfig withMinBodyRate(long bytesPerSecond, Duration grace) {
        return new ListenerConfig(name, address, port, clientTimeout, httpRequestTimeout, keepAliveTimeout,
                maxBodyBytes, maxHeaderBytes, maxUriLength, frontDoor, maxConnections, maxConnectionsPerClient,
                bytesPerSecond, grace);
    }
}
