package dev.tether.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.tether.core.admin.AdminConfig;
import dev.tether.core.admin.Cidr;
import dev.tether.core.ops.ShardPinsConfig;
import dev.tether.core.frontdoor.FrontDoorConfig;
import dev.tether.health.HealthCheckConfig;
import dev.tether.health.HealthCheckConfig.StatusRange;
import dev.tether.health.PassiveHealthConfig;
import dev.tether.routing.config.RoutingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a HOCON file into a validated {@link ProxyConfig}; the only class that uses typesafe-config.
 *
 * <pre>
 *   user file (+ its includes) --withFallback--> reference.conf --resolve--> merged   (no system properties)
 *   merged.tether --ConfigSection getters--> records          (each problem: file:line, key, value, expected)
 *   listeners[i]  falls back to listener-defaults
 *   backends.X    falls back to backend-defaults; servers[i] to X.server-defaults; cookie to X.cookie-defaults
 * </pre>
 *
 * <p>Keys are checked against reference.conf: a key that is not there, at the same place, is unknown, and the
 * message suggests the closest known key. Binding never stops at the first problem; when any was found,
 * {@link InvalidConfigException} lists them all and no configuration is returned.
 */
public final class ConfigLoader {

    /** Keys a listener may have besides those of {@code listener-defaults}. */
    static final Set<String> LISTENER_OWN_KEYS = Set.of("name", "port");

    private static final Pattern EXPECT_PART = Pattern.compile("\\s*(\\d{3})(?:\\s*-\\s*(\\d{3}))?\\s*");
    private static final String EXPECT_EXPECTED =
            "expected status codes 100..599 such as \"200\", \"200-399\" or \"200,204,300-399\"";

    private ConfigLoader() {}

    /**
     * Loads a configuration file. {@code include "other.conf"} is resolved relative to the file; every setting
     * the file leaves out comes from reference.conf.
     *
     * @throws InvalidConfigException listing every problem (including a missing or unreadable file)
     */
    public static ProxyConfig load(Path file) {
        String source = file.toString();
        if (!Files.isRegularFile(file)) {
            throw new InvalidConfigException(source, List.of(new ConfigProblem(source, "", null,
                    Files.exists(file) ? "not a regular file" : "no such file")));
        }
        Config user;
        try {
            user = ConfigFactory.parseFile(file.toFile(),
                    ConfigParseOptions.defaults().setAllowMissing(false).setSyntax(ConfigSyntax.CONF));
        } catch (ConfigException e) {
            throw fatal(source, e);
        }
        return bind(user, source);
    }

    /**
     * Parses configuration text, for tests and embedders; {@code sourceName} stands in for the file name in
     * messages.
     *
     * @throws InvalidConfigException listing every problem
     */
    public static ProxyConfig parse(String hocon, String sourceName) {
        Config user;
        try {
            user = ConfigFactory.parseString(hocon,
                    ConfigParseOptions.defaults().setOriginDescription(sourceName).setSyntax(ConfigSyntax.CONF));
        } catch (ConfigException e) {
            throw fatal(sourceName, e);
        }
        return bind(user, sourceName);
    }

    private static ProxyConfig bind(Config user, String source) {
        Problems problems = new Problems();
        // Not defaultReference(): that one lays JVM system properties over reference.conf, and -Dtether.access.log
        // (logging, see docs/metrics.md) would become a configuration key. The file is the only source.
        Config reference = ConfigFactory.defaultReferenceUnresolved();
        Config merged;
        try {
            merged = user.withFallback(reference).resolve();
            reference = reference.resolve();
        } catch (ConfigException e) {
            throw fatal(source, e);
        }
        for (Map.Entry<String, ConfigValue> e : user.root().entrySet()) {
            if (!e.getKey().equals("tether")) {
                problems.add(e.getValue().origin(), e.getKey(), ConfigSection.render(e.getValue()),
                        ConfigSection.unknownKey(e.getKey(), Set.of("tether")) + "; every setting goes in tether { }");
            }
        }
        ConfigValue tetherValue = merged.root().get("tether");
        if (tetherValue.valueType() != ConfigValueType.OBJECT) {
            problems.add(tetherValue.origin(), "tether", ConfigSection.render(tetherValue), "expected an object");
            throw new InvalidConfigException(source, problems.list());
        }
        ConfigSection tether = new ConfigSection((ConfigObject) tetherValue, "tether", tetherValue.origin(), problems);
        ConfigSection ref = new ConfigSection(reference.getObject("tether"), "tether", null, new Problems());
        tether.checkKeys(ref.object().keySet());

        Integer eventLoopThreads = tether.integer("event-loop-threads", 0, 1024);
        Duration drainTimeout = tether.duration("drain-timeout", Duration.ZERO);
        Integer maxConnections = tether.integer("max-connections", 0, Integer.MAX_VALUE);
        Boolean reloadWatch = tether.bool("reload-watch");
        Duration reloadWatchInterval = tether.duration("reload-watch-interval", Duration.ofMillis(1));
        ShardPinsConfig shardPins = bindShardPins(tether, ref);
        AdminConfig admin = bindAdmin(tether, ref);
        List<ListenerConfig> listeners = bindListeners(tether, ref, admin);

        Map<String, BackendTimeouts> timeouts = new LinkedHashMap<>();
        Map<String, HealthCheckConfig> health = new LinkedHashMap<>();
        Map<String, Duration> slowStart = new LinkedHashMap<>();
        Map<String, PassiveHealthConfig> passiveHealth = new LinkedHashMap<>();
        RoutingConfig routing = null;
        ConfigSection backendDefaults = tether.section("backend-defaults", "expected an object");
        ConfigSection backendsSection = tether.section("backends",
                "expected an object of backends by name, such as { app { servers = [ ... ] } }");
        if (backendDefaults != null) {
            ConfigSection refDefaults = ref.section("backend-defaults", "");
            backendDefaults.checkKeys(refDefaults.object().keySet());
            // Read the defaults once on their own, so a bad default is reported at backend-defaults.
            bindTimeouts(backendDefaults, refDefaults);
            bindHealth(backendDefaults, refDefaults);
            bindSlowStart(backendDefaults);
            bindPassiveHealth(backendDefaults, refDefaults);
            if (backendsSection != null) {
                Map<String, ConfigSection> backends = RoutingBinder.backendSections(backendsSection, backendDefaults);
                if (backendsSection.object().isEmpty()) {
                    reportNoBackends(user, tether);
                }
                routing = new RoutingBinder(ref, problems).bind(tether, backendDefaults, backends);
                for (Map.Entry<String, ConfigSection> e : backends.entrySet()) {
                    BackendTimeouts t = bindTimeouts(e.getValue(), refDefaults);
                    HealthCheckConfig h = bindHealth(e.getValue(), refDefaults);
                    if (t != null) {
                        timeouts.put(e.getKey(), t);
                    }
                    if (h != null) {
                        health.put(e.getKey(), h);
                    }
                    Duration ramp = bindSlowStart(e.getValue());
                    if (ramp != null) {
                        slowStart.put(e.getKey(), ramp);
                    }
                    PassiveHealthConfig p = bindPassiveHealth(e.getValue(), refDefaults);
                    if (p != null) {
                        passiveHealth.put(e.getKey(), p);
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(source, problems.list());
        }
        return new ProxyConfig(listeners, routing, timeouts, health, eventLoopThreads, drainTimeout, source,
                passiveHealth, slowStart, admin, Boolean.TRUE.equals(reloadWatch) ? reloadWatchInterval : Duration.ZERO,
                shardPins, maxConnections);
    }

    private static void reportNoBackends(Config user, ConfigSection tether) {
        String expected = "expected at least one backend, such as "
                + "backends { app { servers = [ { name = node1, address = \"127.0.0.1:8081\" } ] } }";
        // Read the unresolved user tree through objects only: path lookups may throw on unresolved values.
        ConfigValue userTether = user.root().get("tether");
        if (userTether instanceof ConfigObject o && o.containsKey("backends")) {
            tether.problem("backends", expected);
        } else {
            // point at the user's file, not at the empty default in reference.conf
            ConfigValue where = userTether != null ? userTether : user.root();
            tether.problems().add(where.origin(), "tether.backends", null, "missing; " + expected);
        }
    }

    private static InvalidConfigException fatal(String source, ConfigException e) {
        String location = e.origin() != null ? Problems.location(e.origin()) : source;
        String message = e.getMessage();
        if (e.origin() != null && message.startsWith(e.origin().description() + ": ")) {
            message = message.substring(e.origin().description().length() + 2);
        }
        if (e instanceof ConfigException.IO) {
            message = "cannot read: " + message;
        }
        return new InvalidConfigException(source, List.of(new ConfigProblem(location, "", null, message)));
    }

    // ---- listeners -------------------------------------------------------------------------------------------

    /** @param admin the admin listener, whose port a proxy listener may not take; {@code null} for none */
    private static List<ListenerConfig> bindListeners(ConfigSection tether, ConfigSection ref, AdminConfig admin) {
        List<ListenerConfig> result = new ArrayList<>();
        ConfigSection defaults = tether.section("listener-defaults", "expected an object");
        List<ConfigSection> entries = tether.sections("listeners",
                "expected a list of listeners such as [ { name = http, port = 8080 } ]");
        if (defaults == null || entries == null) {
            return result;
        }
        // The front-door keys (tls, redirect-https, ...) have no default in reference.conf: absent means plain.
        Set<String> defaultKeys = new HashSet<>(ref.section("listener-defaults", "").object().keySet());
        defaultKeys.addAll(FrontDoorBinder.KEYS);
        defaults.checkKeys(defaultKeys);
        bindListenerSettings(defaults);
        FrontDoorBinder.bind(defaults);
        if (entries.isEmpty()) {
            tether.problem("listeners", "expected at least one listener, such as [ { name = http, port = 8080 } ]");
        }
        Set<String> known = new HashSet<>(defaultKeys);
        known.addAll(LISTENER_OWN_KEYS);
        Map<String, ConfigSection> byName = new HashMap<>();
        // Checked on the values as written, so that a listener with another problem is still compared.
        List<ConfigSection> seen = new ArrayList<>();
        List<String> seenAddresses = new ArrayList<>();
        List<Integer> seenPorts = new ArrayList<>();
        for (ConfigSection entry : entries) {
            if (entry == null) {
                continue;
            }
            entry.checkKeys(known);
            ConfigSection listener = entry.withFallback(defaults);
            ListenerConfig l = bindListener(listener);
            String name = listener.peekString("name");
            ConfigSection sameName = name == null ? null : byName.putIfAbsent(name, entry);
            if (sameName != null) {
                entry.problem("name", "duplicate: " + sameName.path() + " has the same name; listener names must be"
                        + " unique");
            }
            Integer port = listener.peekInt("port");
            String address = listener.peekString("address");
            address = address == null ? "" : address.trim().replace("[", "").replace("]", "");
            if (port != null && port != 0) {
                for (int i = 0; i < seen.size(); i++) {
                    if (port.equals(seenPorts.get(i)) && overlaps(seenAddresses.get(i), address)) {
                        entry.problem("port", "already used by " + seen.get(i).path()
                                + "; each listener needs its own port");
                        break;
                    }
                }
            }
            if (admin != null && port != null && port != 0 && port == admin.port()
                    && overlaps(admin.address(), address)) {
                entry.problem("port", "already used by the admin listener (tether.admin.port); choose another port,"
                        + " or move the admin listener with admin.port");
            }
            seen.add(entry);
            seenAddresses.add(address);
            seenPorts.add(port);
            if (l != null) {
                result.add(l);
            }
        }
        return result;
    }

    private static boolean overlaps(String a, String b) {
        return a.equals(b) || isWildcard(a) || isWildcard(b);
    }

    private static boolean isWildcard(String address) {
        return address.equals("0.0.0.0") || address.equals("::") || address.equals("0:0:0:0:0:0:0:0");
    }

    private record ListenerSettings(String address, Duration clientTimeout, Duration httpRequestTimeout,
            Duration keepAliveTimeout, Long maxBody, Long maxHeader, Long maxUri, Integer maxConnections,
            Integer maxConnectionsPerClient, Long minBodyRate, Duration minBodyRateGrace) {}

    private static ListenerSettings bindListenerSettings(ConfigSection listener) {
        String addressExpected = "expected a bind address without port, such as \"0.0.0.0\", \"::\" or \"127.0.0.1\""
                + " (the port goes in port = ...)";
        String address = listener.string("address", addressExpected);
        if (address != null) {
            address = address.trim();
            if (address.startsWith("[") && address.endsWith("]")) {
                address = address.substring(1, address.length() - 1);
            }
            boolean ok = !address.isEmpty()
                    && (address.matches("[A-Za-z0-9._-]+") || address.matches("[0-9A-Fa-f:.%]+") && address.contains("::")
                            || address.chars().filter(c -> c == ':').count() >= 2 && address.matches("[0-9A-Fa-f:.%]+"));
            if (!ok) {
                listener.problem("address", addressExpected);
                address = null;
            }
        }
        Duration min = Duration.ofMillis(1);
        return new ListenerSettings(
                address,
                listener.duration("client-timeout", min),
                listener.duration("http-request-timeout", min),
                listener.duration("keep-alive-timeout", min),
                listener.bytes("max-body-size", 1, Long.MAX_VALUE),
                listener.bytes("max-header-size", 1, Integer.MAX_VALUE),
                listener.bytes("max-uri-length", 1, Integer.MAX_VALUE),
                listener.integer("max-connections", 0, Integer.MAX_VALUE),
                listener.integer("max-connections-per-client", 0, Integer.MAX_VALUE),
                // bytes per second, written as a size (500, 1KiB) like the other byte limits
                listener.bytes("min-body-rate", 0, Long.MAX_VALUE),
                listener.duration("min-body-rate-grace", Duration.ZERO));
    }

    private static ListenerConfig bindListener(ConfigSection listener) {
        Problems problems = listener.problems();
        int before = problems.reported();
        String name = listener.string("name", "expected a listener name such as http, used in logs");
        Integer port = listener.integer("port", 0, 65535);
        ListenerSettings s = bindListenerSettings(listener);
        FrontDoorConfig frontDoor = FrontDoorBinder.bind(listener);
        if (problems.reported() != before) {
            return null;
        }
        try {
            return new ListenerConfig(name, s.address, port, s.clientTimeout, s.httpRequestTimeout,
                    s.keepAliveTimeout, s.maxBody, s.maxHeader.intValue(), s.maxUri.intValue(), frontDoor,
                    s.maxConnections, s.maxConnectionsPerClient, s.minBodyRate, s.minBodyRateGrace);
        } catch (IllegalArgumentException e) {
            listener.problem(e.getMessage());
            return null;
        }
    }

    /** {@code tether.shard-pins}; {@code null} when a problem was reported. */
    private static ShardPinsConfig bindShardPins(ConfigSection tether, ConfigSection ref) {
        ConfigSection pins = tether.section("shard-pins", "expected an object such as { pin-idle = 24h }");
        if (pins == null) {
            return null;
        }
        pins.checkKeys(ref.section("shard-pins", "").object().keySet());
        Duration idle = pins.duration("pin-idle", Duration.ofMillis(1));
        Integer maxKeys = pins.integer("max-keys", 1, Integer.MAX_VALUE);
        return idle == null || maxKeys == null ? null : new ShardPinsConfig(idle, maxKeys);
    }

    // ---- admin listener --------------------------------------------------------------------------------------

    /** {@code tether.admin}; {@code null} when disabled or when a problem was reported. */
    private static AdminConfig bindAdmin(ConfigSection tether, ConfigSection ref) {
        Problems problems = tether.problems();
        int before = problems.reported();
        ConfigSection admin = tether.section("admin", "expected an object such as { port = 8404 }");
        if (admin == null) {
            return null;
        }
        admin.checkKeys(ref.section("admin", "").object().keySet());
        Boolean enabled = admin.bool("enabled");
        String addressExpected = "expected a bind address without port, such as \"127.0.0.1\" or \"::1\"";
        String address = admin.string("address", addressExpected);
        if (address != null && (address.isBlank() || address.chars().filter(c -> c == ':').count() == 1)) {
            admin.problem("address", addressExpected);
        }
        Integer port = admin.integer("port", 0, 65535);
        String uriExpected = "expected a path starting with /, such as /stats (/metrics is Prometheus')";
        String statsUri = admin.string("stats-uri", uriExpected);
        if (statsUri != null && (!statsUri.startsWith("/") || statsUri.contains("?") || statsUri.equals("/metrics"))) {
            admin.problem("stats-uri", uriExpected);
        }
        List<String> cidrs = bindCidrs(admin);
        String user = admin.optionalString("user", "expected a user name, or null for no authentication");
        String password = admin.optionalString("password", "expected a password, or null for no authentication");
        if (user != null && (user.isEmpty() || user.contains(":"))) {
            admin.problem("user", "expected a non-empty user name without ':'");
        }
        if ((user == null) != (password == null)) {
            admin.problem(user == null ? "password" : "user", "user and password are set together, or neither"
                    + " (no authentication)");
        }
        String token = admin.optionalString("api-token", "expected a token of at least 16 characters, or null");
        if (token != null && (token.length() < 16 || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
            // A secret is not echoed into logs, even a malformed one.
            problems.add(admin.raw("api-token").origin(), admin.path("api-token"), "(not shown)",
                    "expected at least 16 printable characters without spaces, or null for no token");
        }
        if (problems.reported() != before || !enabled) {
            return null;
        }
        try {
            return new AdminConfig(address, port, statsUri, cidrs, user, password, token);
        } catch (IllegalArgumentException e) {
            admin.problem(e.getMessage());
            return null;
        }
    }

    private static List<String> bindCidrs(ConfigSection admin) {
        String expected = "expected a list of addresses and networks, such as [\"10.0.0.0/8\", \"::1\"]";
        ConfigValue v = admin.raw("allowed-cidrs");
        if (v == null || v.valueType() != ConfigValueType.LIST) {
            admin.problem("allowed-cidrs", expected);
            return null;
        }
        List<String> result = new ArrayList<>();
        List<ConfigValue> list = (com.typesafe.config.ConfigList) v;
        for (int i = 0; i < list.size(); i++) {
            ConfigValue e = list.get(i);
            String path = admin.path("allowed-cidrs") + "[" + i + "]";
            if (e.valueType() != ConfigValueType.STRING) {
                admin.problems().add(e.origin(), path, ConfigSection.render(e), expected);
                continue;
            }
            String text = (String) e.unwrapped();
            try {
                Cidr.parse(text);
                result.add(text);
            } catch (IllegalArgumentException ex) {
                admin.problems().add(e.origin(), path, ConfigSection.render(e),
                        "expected a literal IP with an optional /prefix, such as 10.0.0.0/8 or ::1");
            }
        }
        return result;
    }

    // ---- per-backend timeouts and health checks --------------------------------------------------------------

    private static BackendTimeouts bindTimeouts(ConfigSection backend, ConfigSection refDefaults) {
        Problems problems = backend.problems();
        int before = problems.reported();
        Duration min = Duration.ofMillis(1);
        ConfigSection t = backend.section("timeouts", "expected an object such as { connect = 15s, server = 10m }");
        ConfigSection p = backend.section("pool", "expected an object such as { idle-timeout = 30s, max-idle = 64 }");
        Duration connect = null;
        Duration server = null;
        Duration queue = null;
        Duration tunnel = null;
        if (t != null) {
            t.checkKeys(refDefaults.section("timeouts", "").object().keySet());
            connect = t.duration("connect", min);
            server = t.duration("server", min);
            queue = t.duration("queue", Duration.ZERO);
            tunnel = t.duration("tunnel", min);
        }
        Duration idle = null;
        Integer maxIdle = null;
        Duration serverKeepAlive = null;
        if (p != null) {
            p.checkKeys(refDefaults.section("pool", "").object().keySet());
            idle = p.duration("idle-timeout", min);
            maxIdle = p.integer("max-idle", 0, 100_000);
            // null (the default) = the servers' keep-alive is unknown, so there is nothing to compare idle-timeout to
            serverKeepAlive = p.isSet("server-keep-alive") ? p.duration("server-keep-alive", min) : null;
        }
        if (problems.reported() != before) {
            return null;
        }
        return new BackendTimeouts(connect, server, queue, tunnel, idle, maxIdle, serverKeepAlive);
    }

    // ---- warnings --------------------------------------------------------------------------------------------

    /**
     * What is valid but likely wrong in a loaded configuration, one line each, in backend order; empty when
     * nothing is. {@code tether --check} prints them as {@code WARNING:} lines, startup logs them; neither refuses.
     *
     * <p>A backend whose {@code pool.idle-timeout} is not below its declared {@code pool.server-keep-alive} keeps
     * idle connections the server may already be closing: a request sent on one as the server closes it fails
     * (Overleaf's guide: the proxy's keep-alive must be lower than the app servers' 65s). A pool that keeps no
     * idle connection ({@code max-idle = 0}) reuses nothing, so it is not warned about.
     */
    public static List<String> warnings(ProxyConfig config) {
        if (config.routing() == null) {
            return List.of();
        }
        List<String> warnings = new ArrayList<>();
        for (var backend : config.routing().backends()) {
            BackendTimeouts t = config.timeouts(backend.name());
            Duration keepAlive = t.serverKeepAlive();
            if (keepAlive == null || t.poolMaxIdle() == 0 || t.poolIdle().compareTo(keepAlive) < 0) {
                continue;
            }
            String k = ConfigSummary.durationValue(keepAlive);
            String idle = ConfigSummary.durationValue(t.poolIdle());
            warnings.add("backend " + backend.name() + ": pool.idle-timeout = " + idle
                    + " is not below pool.server-keep-alive = " + k
                    + ": Tether may reuse a connection the server is closing; set pool.idle-timeout below " + k);
        }
        return List.copyOf(warnings);
    }

    private static HealthCheckConfig bindHealth(ConfigSection backend, ConfigSection refDefaults) {
        Problems problems = backend.problems();
        int before = problems.reported();
        ConfigSection h = backend.section("health-check", "expected an object such as { enabled = on, path = /status }");
        if (h == null) {
            return null;
        }
        h.checkKeys(refDefaults.section("health-check", "").object().keySet());
        Duration min = Duration.ofMillis(1);
        Boolean enabled = h.bool("enabled");
        String methodExpected = "expected an HTTP method in capitals such as HEAD or GET";
        String method = h.string("method", methodExpected);
        if (method != null && !method.matches("[A-Z]+")) {
            h.problem("method", methodExpected);
        }
        String pathExpected = "expected a path starting with /, such as /status";
        String path = h.string("path", pathExpected);
        if (path != null && (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' '))) {
            h.problem("path", pathExpected);
        }
        String host = h.optionalString("host", "expected a host name such as app.example.com, or null");
        List<StatusRange> expect = parseExpect(h);
        Duration interval = h.duration("interval", min);
        Duration fastInterval = h.duration("fast-interval", min);
        Duration downInterval = h.duration("down-interval", min);
        Duration timeout = h.duration("timeout", min);
        Integer rise = h.integer("rise", 1, 100);
        Integer fall = h.integer("fall", 1, 100);
        if (problems.reported() != before) {
            return null;
        }
        try {
            return new HealthCheckConfig(enabled, method, path, host, expect, interval, fastInterval, downInterval,
                    timeout, rise, fall);
        } catch (IllegalArgumentException e) {
            h.problem(e.getMessage());
            return null;
        }
    }

    /** {@code health-check.slow-start}: read apart because it shapes weights, not probes. */
    private static Duration bindSlowStart(ConfigSection backend) {
        ConfigValue h = backend.raw("health-check");
        if (h == null || h.valueType() != ConfigValueType.OBJECT) {
            return null; // reported by bindHealth
        }
        ConfigSection section = new ConfigSection((ConfigObject) h, backend.path("health-check"), h.origin(),
                backend.problems());
        return section.duration("slow-start", Duration.ZERO);
    }

    private static PassiveHealthConfig bindPassiveHealth(ConfigSection backend, ConfigSection refDefaults) {
        Problems problems = backend.problems();
        int before = problems.reported();
        ConfigSection p = backend.section("passive-health",
                "expected an object such as { enabled = on, error-limit = 10, count-5xx = off, on-error = fail-check }");
        if (p == null) {
            return null;
        }
        p.checkKeys(refDefaults.section("passive-health", "").object().keySet());
        Boolean enabled = p.bool("enabled");
        Integer errorLimit = p.integer("error-limit", 1, 1_000_000);
        Boolean count5xx = p.bool("count-5xx");
        String onErrorExpected = "expected fail-check (counts as one failed check) or mark-down (down at once)";
        String onErrorText = p.string("on-error", onErrorExpected);
        PassiveHealthConfig.OnError onError = null;
        if ("fail-check".equals(onErrorText)) {
            onError = PassiveHealthConfig.OnError.FAIL_CHECK;
        } else if ("mark-down".equals(onErrorText)) {
            onError = PassiveHealthConfig.OnError.MARK_DOWN;
        } else if (onErrorText != null) {
            p.problem("on-error", onErrorExpected);
        }
        if (problems.reported() != before) {
            return null;
        }
        try {
            return new PassiveHealthConfig(enabled, errorLimit, count5xx, onError);
        } catch (IllegalArgumentException e) {
            p.problem(e.getMessage());
            return null;
        }
    }

    private static List<StatusRange> parseExpect(ConfigSection h) {
        String value = h.string("expect", EXPECT_EXPECTED);
        if (value == null) {
            return null;
        }
        List<StatusRange> ranges = parseStatusRanges(value);
        if (ranges == null) {
            h.problem("expect", EXPECT_EXPECTED);
        }
        return ranges;
    }

    /** Parses {@code "200"}, {@code "200-399"}, {@code "200,204,300-399"}; {@code null} when malformed. */
    static List<StatusRange> parseStatusRanges(String value) {
        List<StatusRange> ranges = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            Matcher m = EXPECT_PART.matcher(part);
            if (!m.matches()) {
                return null;
            }
            int from = Integer.parseInt(m.group(1));
            int to = m.group(2) != null ? Integer.parseInt(m.group(2)) : from;
            if (from < 100 || to > 599 || from > to) {
                return null;
            }
            ranges.add(new StatusRange(from, to));
        }
        return ranges;
    }
}
