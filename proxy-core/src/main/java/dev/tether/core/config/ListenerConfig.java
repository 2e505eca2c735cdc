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
        FrontDoorConfig frontDoor) {

    public ListenerConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("listener " + name + ": port = " + port + " (expected 0..65535)");
        }
        frontDoor = frontDoor == null ? FrontDoorConfig.plain() : frontDoor;
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
                maxBodyBytes, maxHeaderBytes, maxUriLength, frontDoor);
    }

    public ListenerConfig withClientTimeout(Duration timeout) {
        return new ListenerConfig(name, address, port, timeout, httpRequestTimeout, keepAliveTimeout,
                maxBodyBytes, maxHeaderBytes, maxUriLength, frontDoor);
    }

    public ListenerConfig withHttpRequestTimeout(Duration timeout) {
        return new ListenerConfig(name, address, port, clientTimeout, timeout, keepAliveTimeout,
                maxBodyBytes, maxHeaderBytes, maxUriLength, frontDoor);
    }

    public ListenerConfig withKeepAliveTimeout(Duration timeout) {
        return new ListenerConfig(name, address, port, clientTimeout, httpRequestTimeout, timeout,
                maxBodyBytes, maxHeaderBytes, maxUriLength, frontDoor);
    }

    public ListenerConfig withMaxBodyBytes(long max) {
        return new ListenerConfig(name, address, port, clientTimeout, httpRequestTimeout, keepAliveTimeout,
                max, maxHeaderBytes, maxUriLength, frontDoor);
    }
}
