package dev.tether.core.config;

import dev.tether.health.HealthCheckConfig;
import dev.tether.health.PassiveHealthConfig;
import dev.tether.routing.config.BackendConfig;
import dev.tether.routing.config.RouteConfig;
import dev.tether.routing.config.RouteMatch;
import dev.tether.routing.config.ServerConfig;
import dev.tether.routing.config.CookieMode;
import dev.tether.routing.config.StickyCookieConfig;
import dev.tether.routing.config.UnavailablePolicy;
import dev.tether.routing.config.UuidMapConfig;
import dev.tether.routing.redispatch.RetryOn;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A short human description of a configuration: what {@code tether --check FILE} prints after {@code OK}, and
 * what the proxy logs at start-up.
 *
 * <pre>
 * listeners:
 *   http  0.0.0.0:8080  client 1m, request head 10s, keep-alive 10s, body <= 50MiB
 * admin: 127.0.0.1:8404  /metrics, /stats
 * routes (first match wins):
 *   git  path-prefix /git/  -> app, pinned to node1 (fallback when unavailable)
 *   dtables  path-prefix /dtable-server/  -> dtable, uuid-map (2 ranges, 1 override, 503 when unavailable)
 *   tenants  any request  -> app, hash on header:X-Tenant (next server on the ring when unavailable)
 *   (no match)  -> app
 * backends:
 *   app  round-robin, retries 3, redispatch on, cookie server-pro-ha (httponly, max-idle 24h)
 *     timeouts connect 15s, server 10m, queue 1m, tunnel 23h; pool idle 30s, max 64 per thread
 *     health HEAD /status expect 200, every 2s, timeout 2s, rise 2, fall 3
 *     node1  10.0.0.1:80
 *     node2  10.0.0.2:80  backup
 * </pre>
 */
public final class ConfigSummary {

    private ConfigSummary() {}

    public static String describe(ProxyConfig config) {
        StringBuilder b = new StringBuilder();
        b.append("listeners:\n");
        for (ListenerConfig l : config.listeners()) {
            String host = l.address().contains(":") ? "[" + l.address() + "]" : l.address();
            b.append("  ").append(l.name()).append("  ").append(host).append(':').append(l.port())
                    .append("  client ").append(duration(l.clientTimeout()))
                    .append(", request head ").append(duration(l.httpRequestTimeout()))
                    .append(", keep-alive ").append(duration(l.keepAliveTimeout()))
                    .append(", body <= ").append(size(l.maxBodyBytes()));
            if (l.frontDoor().isTls()) {
                b.append(", tls");
            }
            if (l.frontDoor().redirectsToHttps()) {
                b.append(", redirects to https (").append(l.frontDoor().redirectStatus()).append(')');
            }
            if (l.frontDoor().proxyProtocol()) {
                b.append(", PROXY protocol");
            }
            b.append('\n');
        }
        if (config.admin() != null) {
            String host = config.admin().address().contains(":")
                    ? "[" + config.admin().address() + "]" : config.admin().address();
            b.append("admin: ").append(host).append(':').append(config.admin().port())
                    .append("  /metrics, ").append(config.admin().statsUri())
                    .append(config.admin().allowedCidrs().isEmpty()
                            ? "" : ", from " + String.join(" ", config.admin().allowedCidrs()))
                    .append(config.admin().authRequired() ? ", basic auth" : "")
                    .append('\n');
        } else {
            b.append("admin: off\n");
        }
        b.append("routes (first match wins):\n");
        for (RouteConfig r : config.routing().routes()) {
            b.append("  ").append(r.name()).append("  ").append(match(r.match())).append("  -> ").append(r.backend());
            if (r.useServer() != null) {
                b.append(", pinned to ").append(r.useServer()).append(r.onUnavailable() == UnavailablePolicy.REFUSE
                        ? " (503 when unavailable)" : " (fallback when unavailable)");
            }
            if (r.uuidMap() != null) {
                b.append(", ").append(uuidMap(r.uuidMap()));
            }
            if (r.hash() != null) {
                b.append(", hash on ").append(r.hash().key())
                        .append(r.hash().onUnavailable() == UnavailablePolicy.REFUSE
                                ? " (503 when unavailable)" : " (next server on the ring when unavailable)");
            }
            b.append('\n');
        }
        String def = config.routing().defaultBackend();
        b.append("  (no match)  -> ").append(def != null ? def : "404").append('\n');
        b.append("backends:\n");
        for (BackendConfig backend : config.routing().backends()) {
            b.append("  ").append(backend.name()).append("  ").append(backend.balance().configName())
                    .append(", retries ").append(backend.retries())
                    .append(", redispatch ").append(backend.redispatch() ? "on" : "off")
                    .append(backend.retryOn().equals(RetryOn.DEFAULT) ? "" : ", retry-on " + retryOn(backend))
                    .append(backend.drainIdle().isZero() ? "" : ", drain-idle " + duration(backend.drainIdle()))
                    .append(", ").append(cookie(backend.cookie())).append('\n');
            BackendTimeouts t = config.timeouts(backend.name());
            b.append("    timeouts connect ").append(duration(t.connect()))
                    .append(", server ").append(duration(t.server()))
                    .append(", queue ").append(duration(t.queue()))
                    .append(", tunnel ").append(duration(t.tunnel()))
                    .append("; pool idle ").append(duration(t.poolIdle()))
                    .append(t.serverKeepAlive() != null
                            ? " (servers keep alive " + durationValue(t.serverKeepAlive()) + ")" : "")
                    .append(", max ").append(t.poolMaxIdle()).append(" per thread\n");
            b.append("    ").append(health(config.health(backend.name())));
            if (!config.slowStart(backend.name()).isZero()) {
                b.append(", slow-start ").append(duration(config.slowStart(backend.name())));
            }
            PassiveHealthConfig passive = config.passiveHealth(backend.name());
            if (passive.enabled() && config.health(backend.name()).enabled()) {
                b.append("; passive: ").append(passive.errorLimit()).append(" errors in a row")
                        .append(passive.count5xx() ? " (5xx included)" : "")
                        .append(passive.onError() == PassiveHealthConfig.OnError.MARK_DOWN
                                ? " mark it down" : " fail a check");
            }
            b.append('\n');
            for (ServerConfig s : backend.servers()) {
                String host = s.host().contains(":") ? "[" + s.host() + "]" : s.host();
                b.append("    ").append(s.name()).append("  ").append(host).append(':').append(s.port());
                if (s.weight() != 1) {
                    b.append("  weight ").append(s.weight());
                }
                if (s.backup()) {
                    b.append("  backup");
                }
                if (s.maxConn() > 0) {
                    b.append("  max-conn ").append(s.maxConn());
                }
                b.append('\n');
            }
        }
        return b.toString();
    }

    private static String match(RouteMatch m) {
        List<String> parts = new ArrayList<>();
        if (m.pathPrefix() != null) {
            parts.add("path-prefix " + m.pathPrefix());
        }
        if (m.pathExact() != null) {
            parts.add("path-exact " + m.pathExact());
        }
        if (m.pathRegex() != null) {
            parts.add("path-regex " + m.pathRegex());
        }
        if (m.host() != null) {
            parts.add("host " + m.host());
        }
        if (m.headerName() != null) {
            parts.add("header " + m.headerName() + (m.headerValue() != null ? ": " + m.headerValue() : ""));
        }
        return parts.isEmpty() ? "any request" : String.join(" and ", parts);
    }

    /** {@code uuid-map (2 ranges, 1 override, default-server s3, 503 when unavailable)}. */
    private static String uuidMap(UuidMapConfig m) {
        List<String> parts = new ArrayList<>();
        if (m.pattern() != null) {
            parts.add("pattern " + m.pattern());
        }
        parts.add(count(m.ranges().size(), "range"));
        parts.add(count(m.overrides().size(), "override"));
        if (m.defaultServer() != null) {
            parts.add("default-server " + m.defaultServer());
        }
        parts.add(m.onUnavailable() == UnavailablePolicy.REFUSE ? "503 when unavailable" : "fallback when unavailable");
        return "uuid-map (" + String.join(", ", parts) + ")";
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static String cookie(StickyCookieConfig c) {
        if (c == null) {
            return "no cookie persistence";
        }
        List<String> flags = new ArrayList<>();
        if (c.mode() != CookieMode.INSERT) {
            flags.add(c.mode().configName());
        }
        if (c.indirect()) {
            flags.add("indirect");
        }
        if (c.nocache()) {
            flags.add("nocache");
        }
        if (c.httpOnly()) {
            flags.add("httponly");
        }
        if (c.secure()) {
            flags.add("secure");
        }
        if (c.domain() != null) {
            flags.add("domain " + c.domain());
        }
        if (!c.maxIdle().isZero()) {
            flags.add("max-idle " + duration(c.maxIdle()));
        }
        if (!c.maxLife().isZero()) {
            flags.add("max-life " + duration(c.maxLife()));
        }
        return "cookie " + c.name() + (flags.isEmpty() ? "" : " (" + String.join(", ", flags) + ")");
    }

    private static String health(HealthCheckConfig h) {
        if (!h.enabled()) {
            return "health checks off";
        }
        String expect = h.expect().stream()
                .map(r -> r.from() == r.to() ? String.valueOf(r.from()) : r.from() + "-" + r.to())
                .collect(Collectors.joining(","));
        return "health " + h.method() + " " + h.path() + (h.host() != null ? " (Host " + h.host() + ")" : "")
                + " expect " + expect + ", every " + duration(h.interval()) + ", timeout " + duration(h.timeout())
                + ", rise " + h.rise() + ", fall " + h.fall();
    }

    /** {@code 7d}, {@code 24h}, {@code 1h30m}, {@code 15s}, {@code 250ms}: the way HOCON files write them. */
    private static String retryOn(BackendConfig backend) {
        return backend.retryOn().stream().sorted().map(RetryOn::configName).collect(Collectors.joining(" "));
    }

    static String duration(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        long ms = d.toMillis();
        if (ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        if (s % 86_400 == 0 && s >= 2 * 86_400) {
            return s / 86_400 + "d";
        }
        // hours rather than days below two days: "24h" reads as HAProxy's maxidle 24h does
        StringBuilder b = new StringBuilder();
        long[] units = {3_600, 60, 1};
        String[] names = {"h", "m", "s"};
        for (int i = 0; i < units.length; i++) {
            if (s >= units[i]) {
                b.append(s / units[i]).append(names[i]);
                s %= units[i];
            }
        }
        return b.toString();
    }

    /**
     * A duration as one number and one unit ({@code 65s}, {@code 90m}, {@code 1500ms}), which a HOCON file accepts
     * as is; for messages that tell what to write ({@link #duration} gives {@code 1m5s}, which HOCON does not parse).
     */
    static String durationValue(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        if (s != 0 && s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s != 0 && s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }

    /** {@code 50MiB}, {@code 32KiB}, or bytes when not a whole number of either. */
    static String size(long bytes) {
        if (bytes >= 1 << 30 && bytes % (1 << 30) == 0) {
            return bytes / (1 << 30) + "GiB";
        }
        if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
            return bytes / (1 << 20) + "MiB";
        }
        if (bytes >= 1 << 10 && bytes % (1 << 10) == 0) {
            return bytes / (1 << 10) + "KiB";
        }
        return bytes + "B";
    }
}
