package dev.tether.core.config;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.tether.routing.RoutingTable;
import dev.tether.routing.config.BackendConfig;
import dev.tether.routing.config.BalanceAlgorithm;
import dev.tether.routing.config.CookieMode;
import dev.tether.routing.config.HashConfig;
import dev.tether.routing.config.RouteConfig;
import dev.tether.routing.config.RouteMatch;
import dev.tether.routing.config.RoutingConfig;
import dev.tether.routing.config.ServerConfig;
import dev.tether.routing.config.StickTableConfig;
import dev.tether.routing.config.StickyCookieConfig;
import dev.tether.routing.config.UnavailablePolicy;
import dev.tether.routing.config.UuidMapConfig;
import dev.tether.routing.redispatch.RetryOn;
import dev.tether.routing.sticky.StickyCookies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * Binds the routing part of {@code tether { ... }}: {@code routes}, {@code default-backend} and, per backend,
 * the balance algorithm, retries, redispatch, servers and sticky cookie, into a {@link RoutingConfig}.
 *
 * <p>Everything routing reads from HOCON lives here, so a new routing feature adds its keys to
 * {@link #ROUTE_KEYS} or {@link #BACKEND_OWN_KEYS} (or to {@code backend-defaults} in reference.conf) and
 * binds them in {@link #bindRoute} or {@link #bindBackend}. Cross-references (a route naming a backend or a
 * server, the default backend) are checked here with the location of the reference, before the records'
 * own checks could fail with a less precise message. The same goes for the records' own rules (a shard map's
 * coverage and overlaps, a hash key's kind, a cookie key's length): each is checked at the entry that breaks it,
 * and a record's {@link IllegalArgumentException} is only the last resort, reported at the enclosing section.
 * Binding ends by compiling the {@link RoutingTable}, so {@code --check} refuses whatever startup would.
 */
final class RoutingBinder {

    /** Keys a route may have. */
    static final Set<String> ROUTE_KEYS = Set.of(
            "name", "backend", "use-server", "on-unavailable", "uuid-map", "hash",
            "path-prefix", "path-exact", "path-regex", "host", "header");

    /** Keys of a route's {@code uuid-map}. */
    static final Set<String> UUID_MAP_KEYS = Set.of("pattern", "ranges", "overrides", "default-server", "on-unavailable");

    /** Keys of a route's {@code hash}. */
    static final Set<String> HASH_KEYS = Set.of("key", "on-unavailable");

    /** The ways a route can pin its requests to one server; a route uses at most one. */
    private static final List<String> PINS = List.of("use-server", "uuid-map", "hash");

    /** Keys of a route's {@code header} condition. */
    static final Set<String> HEADER_KEYS = Set.of("name", "value");

    /** Keys a backend may have besides those of {@code backend-defaults}. */
    static final Set<String> BACKEND_OWN_KEYS = Set.of("servers", "cookie");

    /** Keys a server may have besides those of {@code server-defaults}. */
    static final Set<String> SERVER_OWN_KEYS = Set.of("name", "address");

    /** Keys a cookie may have besides those of {@code cookie-defaults}. */
    static final Set<String> COOKIE_OWN_KEYS = Set.of("name");

    /** Backend and server names end up in logs, metrics and cookie values: keep them to cookie-safe characters. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final String NAME_EXPECTED = "expected a name of letters, digits, '.', '_' or '-'";

    /** RFC 6265 cookie-name (an RFC 9110 token); header names are tokens too. */
    private static final Pattern COOKIE_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");

    /** A server's fixed cookie value, as {@link ServerConfig} accepts it. */
    private static final Pattern SERVER_COOKIE = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final String SERVER_COOKIE_EXPECTED =
            "expected a cookie value of 1 to 32 letters, digits, '-' or '_', or null to derive one from the name";
    private static final String COOKIE_KEY_EXPECTED = "expected a signing key of at least 16 characters, the same on"
            + " every Tether instance, or null for unsigned cookies";

    private static final String HEX = "0123456789abcdef";
    private static final String UUID_MAP_EXPECTED =
            "expected an object such as { ranges { \"0-9\" = server1, \"a-f\" = server2 } }";
    private static final String RANGES_EXPECTED =
            "expected an object of first characters to servers, such as { \"0-9\" = server1, \"a-f\" = server2 }";
    private static final String RANGE_KEY_EXPECTED = "expected a quoted first hex character or range as the key,"
            + " such as \"7\", \"0-9\" or \"a-f\"";
    private static final String OVERRIDES_EXPECTED =
            "expected an object of UUID prefixes to servers, such as { \"ff84e1a1-66e2\" = server2 }";
    private static final String PREFIX_KEY_EXPECTED = "expected a quoted UUID prefix of 1 to 32 hex digits as the key,"
            + " dashes allowed, such as \"ff84e1a1-66e2\"";
    private static final String UUID_PATTERN_EXPECTED = "expected a Java regular expression finding the base UUID"
            + " (group \"uuid\", else group 1), or null for the first dashed UUID in the path";
    private static final String HASH_EXPECTED = "expected an object such as { key = \"header:X-Tenant\" }";
    private static final String HASH_KEY_EXPECTED =
            "expected uuid, source, header:NAME or cookie:NAME, such as \"header:X-Tenant\"";

    private static final String STICK_ON_EXPECTED = "expected source, \"header:NAME\" or \"cookie:NAME\" such as"
            + " \"header:X-Session\", or null for no stick table";

    private static final String SERVERS_EXPECTED =
            "expected a list of servers such as [ { name = node1, address = \"127.0.0.1:8081\" } ]";
    private static final String ADDRESS_EXPECTED =
            "expected \"host:port\" such as \"127.0.0.1:8081\", \"app1.internal:80\" or \"[::1]:8081\"";

    private final ConfigSection reference;
    private final Problems problems;

    /** Server names of each backend as written, for checking references even when a backend failed to bind. */
    private final Map<String, Set<String>> serverNames = new HashMap<>();

    /** The backends that bound without a problem, for checks that need their servers' settings. */
    private final Map<String, BackendConfig> boundBackends = new HashMap<>();

    /**
     * @param reference the {@code tether} section of reference.conf: the defaults sections define the known keys
     */
    RoutingBinder(ConfigSection reference, Problems problems) {
        this.reference = reference;
        this.problems = problems;
    }

    /**
     * Binds routing.
     *
     * @param tether the merged {@code tether} section
     * @param backendDefaults the merged {@code tether.backend-defaults} section
     * @param backends each backend's section, already falling back to {@code backend-defaults}, in file order
     * @return the routing configuration, or {@code null} when a problem was reported
     */
    RoutingConfig bind(ConfigSection tether, ConfigSection backendDefaults, Map<String, ConfigSection> backends) {
        int before = problems.reported();
        checkDefaults(backendDefaults);
        List<BackendConfig> bound = new ArrayList<>();
        for (Map.Entry<String, ConfigSection> e : backends.entrySet()) {
            BackendConfig b = bindBackend(e.getKey(), e.getValue());
            if (b != null) {
                bound.add(b);
            }
        }
        List<RouteConfig> routes = bindRoutes(tether, backends.keySet());
        String defaultBackend = bindDefaultBackend(tether, backends.keySet());
        if (problems.reported() != before) {
            return null;
        }
        try {
            RoutingConfig config = new RoutingConfig(routes, bound, defaultBackend);
            // Compiling is what startup does next; whatever it refuses, --check refuses too.
            RoutingTable.compile(config);
            return config;
        } catch (IllegalArgumentException e) {
            tether.problem(e.getMessage());
            return null;
        }
    }

    /** Checks {@code server-defaults} and {@code cookie-defaults} once, so a bad default is reported where it is. */
    private void checkDefaults(ConfigSection backendDefaults) {
        ConfigSection serverDefaults = backendDefaults.section("server-defaults", "expected an object");
        if (serverDefaults != null) {
            serverDefaults.checkKeys(knownKeys("server-defaults"));
            bindServerFlags(serverDefaults);
        }
        ConfigSection cookieDefaults = backendDefaults.section("cookie-defaults", "expected an object");
        if (cookieDefaults != null) {
            cookieDefaults.checkKeys(knownKeys("cookie-defaults"));
            bindCookieFlags(cookieDefaults);
        }
    }

    /** The keys of {@code backend-defaults.<sub>} in reference.conf. */
    private Set<String> knownKeys(String sub) {
        ConfigSection defaults = reference.section("backend-defaults", "expected an object");
        return defaults.section(sub, "expected an object").object().keySet();
    }

    /** Known keys of a backend: those of {@code backend-defaults} plus its own. */
    Set<String> backendKeys() {
        Set<String> known = new HashSet<>(reference.section("backend-defaults", "expected an object").object().keySet());
        known.addAll(BACKEND_OWN_KEYS);
        return known;
    }

    // ---- backends --------------------------------------------------------------------------------------------

    BackendConfig bindBackend(String name, ConfigSection backend) {
        int before = problems.reported();
        if (!NAME.matcher(name).matches()) {
            backend.problem(NAME_EXPECTED + " for the backend");
        }
        backend.checkKeys(backendKeys());
        BalanceAlgorithm balance = bindBalance(backend);
        Integer retries = backend.integer("retries", 0, 10);
        Boolean redispatch = backend.bool("redispatch");
        Set<RetryOn> retryOn = bindRetryOn(backend);
        Duration drainIdle = backend.duration("drain-idle-timeout", Duration.ZERO);

        ConfigSection serverDefaults = backend.section("server-defaults", "expected an object");
        if (serverDefaults != null) {
            serverDefaults.checkKeys(knownKeys("server-defaults"));
        }
        List<ServerConfig> servers = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        serverNames.put(name, names);
        List<ConfigSection> entries = backend.sections("servers", SERVERS_EXPECTED);
        if (entries != null && entries.isEmpty()) {
            backend.problem("servers", "expected at least one server, such as "
                    + "[ { name = node1, address = \"127.0.0.1:8081\" } ]");
        }
        if (entries != null && serverDefaults != null) {
            Set<String> serverKeys = new HashSet<>(knownKeys("server-defaults"));
            serverKeys.addAll(SERVER_OWN_KEYS);
            Map<String, ConfigSection> firstByName = new HashMap<>();
            Map<String, ConfigSection> firstByCookie = new HashMap<>();
            for (ConfigSection entry : entries) {
                if (entry == null) {
                    continue;
                }
                entry.checkKeys(serverKeys);
                ConfigSection server = entry.withFallback(serverDefaults);
                ServerConfig s = bindServer(server);
                if (s != null && s.cookie() != null) {
                    ConfigSection first = firstByCookie.putIfAbsent(s.cookie(), entry);
                    if (first != null) {
                        server.problem("cookie", "duplicate: " + first.path() + " has the same cookie; each server"
                                + " needs its own cookie value");
                    }
                }
                if (entry.isSet("cookie") && !backend.isSet("cookie")) {
                    entry.problem("cookie", "applies only when the backend has cookie { name = ... }; add one or"
                            + " remove this");
                }
                String serverName = entry.peekString("name");
                if (serverName != null) {
                    ConfigSection first = firstByName.putIfAbsent(serverName, entry);
                    if (first != null) {
                        entry.problem("name", "duplicate: " + first.path() + " has the same name; server names must"
                                + " be unique within a backend");
                        continue;
                    }
                    names.add(serverName);
                }
                if (s != null) {
                    servers.add(s);
                }
            }
        }

        StickyCookieConfig cookie = null;
        ConfigSection cookieSection = backend.optionalSection("cookie",
                "expected an object such as { name = srv }, or null for no persistence");
        ConfigSection cookieDefaults = backend.section("cookie-defaults", "expected an object");
        if (cookieDefaults != null) {
            cookieDefaults.checkKeys(knownKeys("cookie-defaults"));
        }
        if (cookieSection != null && cookieDefaults != null) {
            Set<String> cookieKeys = new HashSet<>(knownKeys("cookie-defaults"));
            cookieKeys.addAll(COOKIE_OWN_KEYS);
            cookieSection.checkKeys(cookieKeys);
            cookie = bindCookie(cookieSection, cookieDefaults);
        }

        StickTableConfig stickTable = bindStickTable(backend, cookie);

        if (problems.reported() != before) {
            return null;
        }
        BackendConfig config;
        try {
            config = new BackendConfig(name, balance, servers, cookie, retries, redispatch, retryOn, stickTable,
                    drainIdle);
        } catch (IllegalArgumentException e) {
            backend.problem(e.getMessage());
            return null;
        }
        if (cookie != null) {
            try {
                // Two servers whose cookie ids collide (a fixed value equal to a derived id, or two derived ids)
                // would share sessions; the routing table refuses that, so say where.
                new StickyCookies(cookie, servers.stream().map(ServerConfig::name).toList(),
                        servers.stream().map(ServerConfig::cookie).toList());
            } catch (IllegalArgumentException e) {
                cookieSection.problem(e.getMessage());
                return null;
            }
        }
        boundBackends.put(name, config);
        return config;
    }

    /**
     * {@code retry-on}: a list of conditions such as {@code [connect-failure, 503]}; each unknown entry is reported
     * at its own position with the accepted names.
     */
    static Set<RetryOn> bindRetryOn(ConfigSection backend) {
        String accepted = Arrays.stream(RetryOn.values()).map(RetryOn::configName).collect(Collectors.joining(", "));
        String expected = "expected a list of conditions from " + accepted + ", such as [connect-failure, 503];"
                + " [] = never retry";
        ConfigValue v = backend.raw("retry-on");
        if (v == null || v.valueType() != ConfigValueType.LIST) {
            backend.problem("retry-on", expected);
            return null;
        }
        Set<RetryOn> result = EnumSet.noneOf(RetryOn.class);
        List<ConfigValue> list = (ConfigList) v;
        boolean ok = true;
        for (int i = 0; i < list.size(); i++) {
            ConfigValue e = list.get(i);
            boolean plain = e.valueType() == ConfigValueType.STRING || e.valueType() == ConfigValueType.NUMBER;
            RetryOn r = plain ? RetryOn.fromConfigName(String.valueOf(e.unwrapped()).trim()) : null;
            if (r == null) {
                backend.problems().add(e.origin(), backend.path("retry-on") + "[" + i + "]", ConfigSection.render(e),
                        "unknown retry-on condition; expected one of " + accepted);
                ok = false;
            } else {
                result.add(r);
            }
        }
        return ok ? result : null;
    }

    /**
     * Binds a backend's {@code stick-table}, already falling back to {@code backend-defaults.stick-table}; {@code null}
     * when {@code on} is null (no stick table) or a problem was reported.
     *
     * @param cookie the backend's sticky cookie, or {@code null}: the table must not be keyed on it
     */
    private StickTableConfig bindStickTable(ConfigSection backend, StickyCookieConfig cookie) {
        ConfigSection table = backend.section("stick-table", "expected an object such as { on = source }");
        if (table == null) {
            return null;
        }
        int before = problems.reported();
        table.checkKeys(knownKeys("stick-table"));
        String on = table.optionalString("on", STICK_ON_EXPECTED);
        Integer size = table.integer("size", 1, (int) StickTableConfig.MAX_SIZE);
        Duration expire = table.duration("expire", Duration.ofMillis(1));
        UnavailablePolicy onUnavailable = bindPolicy(table,
                "expected fallback (balance and remember the new server) or refuse (answer 503)",
                UnavailablePolicy.FALLBACK);
        if (on != null) {
            String k = on.trim();
            int colon = k.indexOf(':');
            String kind = (colon < 0 ? k : k.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
            String keyName = colon < 0 ? null : k.substring(colon + 1).trim();
            switch (kind) {
                case "source" -> {
                    if (colon >= 0) {
                        table.problem("on", "source takes no name; write source alone");
                    }
                }
                case "header", "cookie" -> {
                    if (keyName == null || keyName.isEmpty()) {
                        table.problem("on", kind + " needs a name, such as " + kind + ":"
                                + (kind.equals("header") ? "X-Session" : "JSESSIONID"));
                    } else if (!COOKIE_NAME.matcher(keyName).matches()) {
                        table.problem("on", "expected a " + kind + " name after " + kind + ": (letters, digits and"
                                + " !#$%&'*+-.^_`|~)");
                    } else if (kind.equals("cookie") && cookie != null && keyName.equals(cookie.name())) {
                        table.problem("on", "is the backend's own sticky cookie, which already keeps sessions on"
                                + " their server; key the table on another cookie, a header or source");
                    }
                }
                case "src" -> table.problem("on", "write source (HAProxy's src); " + STICK_ON_EXPECTED);
                default -> table.problem("on", "unknown kind " + kind + "; " + STICK_ON_EXPECTED);
            }
        }
        if (on == null || problems.reported() != before) {
            return null;
        }
        try {
            return new StickTableConfig(on, size, expire, onUnavailable);
        } catch (IllegalArgumentException e) {
            table.problem(e.getMessage());
            return null;
        }
    }

    private static BalanceAlgorithm bindBalance(ConfigSection backend) {
        String accepted = "expected one of " + Arrays.stream(BalanceAlgorithm.values())
                .map(BalanceAlgorithm::configName)
                .collect(Collectors.joining(", "));
        String value = backend.string("balance", accepted);
        if (value == null) {
            return null;
        }
        BalanceAlgorithm balance = BalanceAlgorithm.fromConfigName(value.trim().toLowerCase(Locale.ROOT));
        if (balance == null) {
            backend.problem("balance", accepted);
        }
        return balance;
    }

    private ServerConfig bindServer(ConfigSection server) {
        int before = problems.reported();
        String name = server.string("name", NAME_EXPECTED);
        if (name != null && !NAME.matcher(name).matches()) {
            server.problem("name", NAME_EXPECTED);
        }
        String address = server.string("address", ADDRESS_EXPECTED);
        HostPort hostPort = null;
        if (address != null) {
            hostPort = HostPort.parse(address);
            if (hostPort == null) {
                server.problem("address", ADDRESS_EXPECTED);
            }
        }
        ServerFlags flags = bindServerFlags(server);
        if (problems.reported() != before) {
            return null;
        }
        try {
            return new ServerConfig(name, hostPort.host(), hostPort.port(), flags.weight, flags.backup, flags.maxConn,
                    flags.cookie);
        } catch (IllegalArgumentException e) {
            server.problem(e.getMessage());
            return null;
        }
    }

    private record ServerFlags(Integer weight, Boolean backup, Integer maxConn, String cookie) {}

    private static ServerFlags bindServerFlags(ConfigSection server) {
        String cookie = server.optionalString("cookie", SERVER_COOKIE_EXPECTED);
        if (cookie != null && !SERVER_COOKIE.matcher(cookie).matches()) {
            server.problem("cookie", SERVER_COOKIE_EXPECTED);
        }
        return new ServerFlags(server.integer("weight", 0, 256), server.bool("backup"),
                server.integer("max-conn", 0, 1_000_000), cookie);
    }

    /** Options that only insert mode has: in rewrite and prefix mode the server writes the cookie and its attributes. */
    static final List<String> INSERT_ONLY = List.of("indirect", "httponly", "secure", "domain", "max-idle", "max-life");

    private StickyCookieConfig bindCookie(ConfigSection own, ConfigSection defaults) {
        int before = problems.reported();
        ConfigSection cookie = own.withFallback(defaults);
        String expected = "expected a cookie name (letters, digits and !#$%&'*+-.^_`|~)";
        String name = cookie.string("name", expected);
        if (name != null && !COOKIE_NAME.matcher(name).matches()) {
            cookie.problem("name", expected);
        }
        CookieFlags f = bindCookieFlags(cookie);
        if (f.mode != null && f.mode != CookieMode.INSERT) {
            // Only what the backend's own cookie section says is checked: cookie-defaults are meant for insert-mode
            // backends too, and simply do not apply here.
            for (String key : INSERT_ONLY) {
                if (own.raw(key) != null) {
                    own.problem(key, "applies to mode = insert only; with mode = " + f.mode.configName() + " the"
                            + " server writes the cookie and its attributes, and Tether only edits the value; remove"
                            + " this key or use mode = insert");
                }
            }
            f = new CookieFlags(false, f.nocache, false, false, null, Duration.ZERO, Duration.ZERO, f.key, f.mode);
        }
        if (problems.reported() != before) {
            return null;
        }
        try {
            return new StickyCookieConfig(name, f.indirect, f.nocache, f.httpOnly, f.secure, f.domain, f.maxIdle,
                    f.maxLife, f.key, f.mode);
        } catch (IllegalArgumentException e) {
            cookie.problem(e.getMessage());
            return null;
        }
    }

    private record CookieFlags(Boolean indirect, Boolean nocache, Boolean httpOnly, Boolean secure, String domain,
            Duration maxIdle, Duration maxLife, String key, CookieMode mode) {}

    private static final String COOKIE_MODE_EXPECTED = "expected " + Arrays.stream(CookieMode.values())
            .map(CookieMode::configName).collect(Collectors.joining(", ")) + " (insert: Tether sets the cookie;"
            + " rewrite: the server sets it and Tether replaces its value; prefix: Tether prefixes the server's value)";

    private static CookieFlags bindCookieFlags(ConfigSection cookie) {
        String domainExpected = "expected a domain such as example.com, or null";
        String domain = cookie.optionalString("domain", domainExpected);
        if (domain != null && (domain.isBlank() || domain.chars().anyMatch(c -> c <= ' ' || c == ';' || c == ','))) {
            cookie.problem("domain", domainExpected);
        }
        String key = cookie.optionalString("key", COOKIE_KEY_EXPECTED);
        if (key != null && key.length() < 16) {
            // The key is a secret: the message says how long it is, never what it is.
            cookie.problems().add(cookie.raw("key").origin(), cookie.path("key"), null,
                    "has " + key.length() + " characters; " + COOKIE_KEY_EXPECTED);
        }
        CookieMode mode = CookieMode.INSERT;
        String modeName = cookie.optionalString("mode", COOKIE_MODE_EXPECTED);
        if (modeName != null) {
            mode = CookieMode.fromConfigName(modeName.trim().toLowerCase(Locale.ROOT));
            if (mode == null) {
                cookie.problem("mode", COOKIE_MODE_EXPECTED);
            }
        }
        return new CookieFlags(cookie.bool("indirect"), cookie.bool("nocache"), cookie.bool("httponly"),
                cookie.bool("secure"), domain, cookie.duration("max-idle", Duration.ZERO),
                cookie.duration("max-life", Duration.ZERO), key, mode);
    }

    // ---- routes ----------------------------------------------------------------------------------------------

    private List<RouteConfig> bindRoutes(ConfigSection tether, Set<String> backendNames) {
        List<RouteConfig> routes = new ArrayList<>();
        List<ConfigSection> entries = tether.sections("routes",
                "expected a list of routes such as [ { name = git, path-prefix = \"/git/\", backend = app } ]");
        if (entries == null) {
            return routes;
        }
        Map<String, ConfigSection> firstByName = new HashMap<>();
        for (ConfigSection entry : entries) {
            if (entry == null) {
                continue;
            }
            RouteConfig route = bindRoute(entry, backendNames);
            String name = entry.peekString("name");
            if (name != null) {
                ConfigSection first = firstByName.putIfAbsent(name, entry);
                if (first != null) {
                    entry.problem("name", "duplicate: " + first.path() + " has the same name; route names must be"
                            + " unique");
                }
            }
            if (route != null) {
                routes.add(route);
            }
        }
        return routes;
    }

    RouteConfig bindRoute(ConfigSection route, Set<String> backendNames) {
        int before = problems.reported();
        route.checkKeys(ROUTE_KEYS);
        String name = route.string("name", "expected a route name, used in logs");
        String backend = route.string("backend", "expected the name of a backend (" + known(backendNames) + ")");
        if (backend != null && !backendNames.contains(backend)) {
            route.problem("backend", namesNoBackend(backend, backendNames));
        }
        // Server names are checked only against a backend that exists; a wrong backend is reported once, above.
        String known = backend != null && backendNames.contains(backend) ? backend : null;
        checkOnePin(route);
        String useServer = route.optionalString("use-server", "expected a server name of the route's backend");
        checkServer(route, "use-server", useServer, known);
        UnavailablePolicy onUnavailable = UnavailablePolicy.FALLBACK;
        if (route.isSet("on-unavailable")) {
            if (useServer == null && (route.isSet("uuid-map") || route.isSet("hash"))) {
                route.problem("on-unavailable", "applies only with use-server; write it inside uuid-map { } or"
                        + " hash { }");
            } else if (useServer == null) {
                route.problem("on-unavailable", "applies only with use-server; remove it or add use-server");
            } else {
                onUnavailable = bindPolicy(route, "expected fallback (balance over the backend) or refuse"
                        + " (answer 503)", UnavailablePolicy.FALLBACK);
            }
        }
        UuidMapConfig uuidMap = null;
        ConfigSection mapSection = route.optionalSection("uuid-map", UUID_MAP_EXPECTED);
        if (mapSection != null) {
            uuidMap = bindUuidMap(mapSection, known);
        }
        HashConfig hash = null;
        ConfigSection hashSection = route.optionalSection("hash", HASH_EXPECTED);
        if (hashSection != null) {
            hash = bindHash(hashSection, known);
        }
        RouteMatch match = bindMatch(route);
        if (problems.reported() != before) {
            return null;
        }
        try {
            return new RouteConfig(name, match, backend, useServer, onUnavailable, uuidMap, hash);
        } catch (IllegalArgumentException e) {
            route.problem(e.getMessage());
            return null;
        }
    }

    /** Reports every pin after the first: a route pins by use-server, uuid-map or hash, never two of them. */
    private static void checkOnePin(ConfigSection route) {
        String first = null;
        for (String pin : PINS) {
            if (!route.isSet(pin)) {
                continue;
            }
            if (first == null) {
                first = pin;
            } else {
                route.problem(pin, "the route already pins by " + first + "; set at most one of use-server,"
                        + " uuid-map and hash, or split the route in two");
            }
        }
    }

    /** Reports {@code key = server} when the server is not one of {@code backend}'s; {@code null}s are not checked. */
    private void checkServer(ConfigSection section, String key, String server, String backend) {
        Set<String> servers = backend == null ? null : serverNames.get(backend);
        if (server == null || servers == null || servers.contains(server)) {
            return;
        }
        String closest = ConfigSection.closest(server, servers);
        section.problem(key, "names no server of backend " + backend + "; its servers: " + String.join(", ", servers)
                + (closest != null ? "; did you mean " + closest + "?" : ""));
    }

    /** {@code on-unavailable} of a pin; {@code absent} when not set. */
    private static UnavailablePolicy bindPolicy(ConfigSection section, String expected, UnavailablePolicy absent) {
        if (!section.isSet("on-unavailable")) {
            return absent;
        }
        String value = section.optionalString("on-unavailable", expected);
        if ("fallback".equalsIgnoreCase(value)) {
            return UnavailablePolicy.FALLBACK;
        }
        if ("refuse".equalsIgnoreCase(value)) {
            return UnavailablePolicy.REFUSE;
        }
        if (value != null) {
            section.problem("on-unavailable", expected);
        }
        return absent;
    }

    /**
     * Binds a route's {@code uuid-map}. Every check {@link UuidMapConfig} makes is made here first, at the entry
     * that breaks it: a malformed or overlapping range, a malformed or repeated override, first characters no range
     * covers, a server the backend does not have.
     *
     * @param backend the route's backend when it exists, else {@code null} (server names are then not checked)
     */
    private UuidMapConfig bindUuidMap(ConfigSection map, String backend) {
        int before = problems.reported();
        map.checkKeys(UUID_MAP_KEYS);
        String serverExpected = "expected the name of a server of the route's backend";
        String pattern = map.optionalString("pattern", UUID_PATTERN_EXPECTED);
        if (pattern != null) {
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                map.problem("pattern", UUID_PATTERN_EXPECTED + "; " + e.getDescription() + " at index "
                        + e.getIndex());
            }
        }

        Map<String, String> ranges = new LinkedHashMap<>();
        ConfigSection rangeSection = map.optionalSection("ranges", RANGES_EXPECTED);
        String[] owner = new String[16];
        boolean malformed = false;
        if (rangeSection != null) {
            for (String key : inFileOrder(rangeSection)) {
                String server = rangeSection.string(key, serverExpected);
                int[] range = UuidMapConfig.parseRange(key);
                if (range == null) {
                    rangeSection.problem(key, RANGE_KEY_EXPECTED);
                    malformed = true;
                    continue;
                }
                Set<String> others = new LinkedHashSet<>();
                List<String> shared = new ArrayList<>();
                for (int c = range[0]; c <= range[1]; c++) {
                    if (owner[c] != null) {
                        others.add('"' + owner[c] + '"');
                        shared.add("'" + HEX.charAt(c) + "'");
                    } else {
                        owner[c] = key;
                    }
                }
                if (!others.isEmpty()) {
                    rangeSection.problem(key, "overlaps " + String.join(" and ", others) + " on "
                            + String.join(", ", shared) + "; each first character belongs to exactly one range");
                }
                checkServer(rangeSection, key, server, backend);
                ranges.put(key, server);
            }
        }

        Map<String, String> overrides = new LinkedHashMap<>();
        ConfigSection overrideSection = map.optionalSection("overrides", OVERRIDES_EXPECTED);
        if (overrideSection != null) {
            Map<String, String> firstByDigits = new HashMap<>();
            for (String key : inFileOrder(overrideSection)) {
                String server = overrideSection.string(key, serverExpected);
                String digits = UuidMapConfig.normalizePrefix(key);
                if (digits == null) {
                    overrideSection.problem(key, PREFIX_KEY_EXPECTED);
                    continue;
                }
                String first = firstByDigits.putIfAbsent(digits, key);
                if (first != null) {
                    overrideSection.problem(key, "duplicate: the same prefix as " + overrideSection.path(first)
                            + " (dashes and case are ignored); keep one");
                    continue;
                }
                checkServer(overrideSection, key, server, backend);
                overrides.put(key, server);
            }
        }

        String defaultServer = map.optionalString("default-server", serverExpected + ", or null");
        checkServer(map, "default-server", defaultServer, backend);
        if (!map.isSet("default-server") && !malformed) {
            String missing = uncovered(owner);
            if (!missing.isEmpty()) {
                map.problem("ranges", missing);
            }
        }
        UnavailablePolicy onUnavailable = bindPolicy(map,
                "expected refuse (answer 503, so a base is never opened on two servers) or fallback (balance over"
                        + " the backend)", UnavailablePolicy.REFUSE);
        if (problems.reported() != before) {
            return null;
        }
        try {
            return new UuidMapConfig(pattern, ranges, overrides, defaultServer, onUnavailable);
        } catch (IllegalArgumentException e) {
            map.problem(e.getMessage());
            return null;
        }
    }

    /**
     * What to write when ranges leave first characters uncovered, such as {@code does not cover first characters
     * c, d, e, f; add a range such as "c-f" = <server>, or set default-server}; empty when all 16 are covered.
     */
    private static String uncovered(String[] owner) {
        List<String> chars = new ArrayList<>();
        List<String> runs = new ArrayList<>();
        for (int c = 0; c < 16; c++) {
            if (owner[c] != null) {
                continue;
            }
            int end = c;
            while (end + 1 < 16 && owner[end + 1] == null) {
                end++;
            }
            for (int i = c; i <= end; i++) {
                chars.add(String.valueOf(HEX.charAt(i)));
            }
            runs.add('"' + (end == c ? "" + HEX.charAt(c) : HEX.charAt(c) + "-" + HEX.charAt(end)) + "\" = <server>");
            c = end;
        }
        if (chars.isEmpty()) {
            return "";
        }
        return "does not cover first characters " + String.join(", ", chars) + "; add "
                + (runs.size() == 1 ? "a range such as " : "ranges such as ") + String.join(" and ", runs)
                + ", or set default-server for every character no range covers";
    }

    /** The keys of a section in the order they are written (by line, then by name within a line). */
    private static List<String> inFileOrder(ConfigSection section) {
        List<String> keys = new ArrayList<>(section.object().keySet());
        keys.sort(Comparator.comparingInt((String k) -> section.raw(k).origin().lineNumber())
                .thenComparing(k -> k.toLowerCase(Locale.ROOT)));
        return keys;
    }

    /**
     * Binds a route's {@code hash}.
     *
     * @param backend the route's backend when it exists, else {@code null}
     */
    private HashConfig bindHash(ConfigSection hash, String backend) {
        int before = problems.reported();
        hash.checkKeys(HASH_KEYS);
        String key = hash.string("key", HASH_KEY_EXPECTED);
        if (key != null) {
            String k = key.trim();
            int colon = k.indexOf(':');
            String kind = (colon < 0 ? k : k.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
            String name = colon < 0 ? null : k.substring(colon + 1).trim();
            switch (kind) {
                case "uuid", "source" -> {
                    if (colon >= 0) {
                        hash.problem("key", kind + " takes no name; write " + kind + " alone");
                    }
                }
                case "header", "cookie" -> {
                    if (name == null || name.isEmpty()) {
                        hash.problem("key", kind + " needs a name, such as " + kind + ":"
                                + (kind.equals("header") ? "X-Tenant" : "tenant"));
                    } else if (!COOKIE_NAME.matcher(name).matches()) {
                        hash.problem("key", "expected a " + kind + " name after " + kind + ": (letters, digits and"
                                + " !#$%&'*+-.^_`|~)");
                    }
                }
                default -> hash.problem("key", "unknown kind " + kind + "; " + HASH_KEY_EXPECTED);
            }
        }
        UnavailablePolicy onUnavailable = bindPolicy(hash,
                "expected fallback (the next server on the ring) or refuse (answer 503)", UnavailablePolicy.FALLBACK);
        BackendConfig b = backend == null ? null : boundBackends.get(backend);
        if (b != null && b.servers().stream().noneMatch(s -> !s.backup() && s.weight() > 0)) {
            hash.problem("backend " + backend + " has no primary server with weight above 0 to hash onto; give one"
                    + " a weight, or pin another way");
        }
        if (problems.reported() != before) {
            return null;
        }
        try {
            return new HashConfig(key, onUnavailable);
        } catch (IllegalArgumentException e) {
            hash.problem(e.getMessage());
            return null;
        }
    }

    private static RouteMatch bindMatch(ConfigSection route) {
        String pathExpected = "expected a path starting with /, such as \"/git/\"";
        String prefix = route.optionalString("path-prefix", pathExpected);
        if (prefix != null && !prefix.startsWith("/")) {
            route.problem("path-prefix", pathExpected);
        }
        String exact = route.optionalString("path-exact", pathExpected);
        if (exact != null && !exact.startsWith("/")) {
            route.problem("path-exact", pathExpected);
        }
        String regexExpected = "expected a Java regular expression matching the whole path, such as \"/api/v[12]/.*\"";
        String regex = route.optionalString("path-regex", regexExpected);
        if (regex != null) {
            try {
                Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                route.problem("path-regex", regexExpected + "; " + e.getDescription() + " at index " + e.getIndex());
            }
        }
        String host = route.optionalString("host", "expected a host name such as www.example.com");
        String headerName = null;
        String headerValue = null;
        ConfigSection header = route.optionalSection("header",
                "expected an object such as { name = X-Canary, value = \"1\" }");
        if (header != null) {
            header.checkKeys(HEADER_KEYS);
            headerName = header.string("name", "expected a header name such as X-Canary");
            headerValue = header.optionalString("value", "expected a header value, or leave it out to match presence");
        }
        return new RouteMatch(prefix, exact, regex, host, headerName, headerValue);
    }

    private static String bindDefaultBackend(ConfigSection tether, Set<String> backendNames) {
        String name = tether.optionalString("default-backend", "expected a backend name or null");
        if (name == null) {
            // One backend needs no routing at all: send everything there.
            return backendNames.size() == 1 ? backendNames.iterator().next() : null;
        }
        if (!backendNames.contains(name)) {
            tether.problem("default-backend", namesNoBackend(name, backendNames));
            return null;
        }
        return name;
    }

    private static String namesNoBackend(String name, Set<String> backendNames) {
        String closest = ConfigSection.closest(name, backendNames);
        return "names no backend; " + known(backendNames) + (closest != null ? "; did you mean " + closest + "?" : "");
    }

    private static String known(Set<String> backendNames) {
        return backendNames.isEmpty() ? "no backend is defined" : "backends: " + String.join(", ", backendNames);
    }

    /** Backend sections from {@code tether.backends}, each falling back to {@code defaults}, in file order. */
    static Map<String, ConfigSection> backendSections(ConfigSection backends, ConfigSection defaults) {
        List<String> names = new ArrayList<>(backends.object().keySet());
        names.sort((a, b) -> {
            int la = backends.raw(a).origin().lineNumber();
            int lb = backends.raw(b).origin().lineNumber();
            return la != lb ? Integer.compare(la, lb) : a.compareTo(b);
        });
        Map<String, ConfigSection> result = new LinkedHashMap<>();
        for (String name : names) {
            ConfigSection backend = backends.section(name,
                    "expected a backend object such as { servers = [ ... ] }");
            if (backend != null) {
                result.put(name, backend.withFallback(defaults));
            }
        }
        return result;
    }

    /** A server address: host name or IP literal (IPv6 in brackets) and a port. */
    record HostPort(String host, int port) {

        private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._-]+");

        /** Parses {@code host:port} or {@code [v6]:port}; {@code null} when malformed. */
        static HostPort parse(String address) {
            String a = address.trim();
            String host;
            String port;
            if (a.startsWith("[")) {
                int close = a.indexOf(']');
                if (close < 0 || close + 1 >= a.length() || a.charAt(close + 1) != ':') {
                    return null;
                }
                host = a.substring(1, close);
                port = a.substring(close + 2);
                if (host.isEmpty() || !host.matches("[0-9A-Fa-f:.%a-zA-Z]+") || !host.contains(":")) {
                    return null;
                }
            } else {
                int colon = a.lastIndexOf(':');
                if (colon <= 0 || a.indexOf(':') != colon) {
                    return null;
                }
                host = a.substring(0, colon);
                port = a.substring(colon + 1);
                if (!HOST.matcher(host).matches()) {
                    return null;
                }
            }
            if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)) {
                return null;
            }
            int p = Integer.parseInt(port);
            return p >= 1 && p <= 65535 ? new HostPort(host, p) : null;
        }
    }
}
