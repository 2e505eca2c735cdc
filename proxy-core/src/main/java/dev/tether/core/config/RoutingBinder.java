package dev.tether.core.config;

import dev.tether.routing.config.BackendConfig;
import dev.tether.routing.config.BalanceAlgorithm;
import dev.tether.routing.config.RouteConfig;
import dev.tether.routing.config.RouteMatch;
import dev.tether.routing.config.RoutingConfig;
import dev.tether.routing.config.ServerConfig;
import dev.tether.routing.config.StickyCookieConfig;
import dev.tether.routing.config.UnavailablePolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
 * own checks could fail with a less precise message.
 */
final class RoutingBinder {

    /** Keys a route may have. */
    static final Set<String> ROUTE_KEYS = Set.of(
            "name", "backend", "use-server", "on-unavailable",
            "path-prefix", "path-exact", "path-regex", "host", "header");

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

    /** RFC 6265 cookie-name (an RFC 9110 token). */
    private static final Pattern COOKIE_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");

    private static final String SERVERS_EXPECTED =
            "expected a list of servers such as [ { name = node1, address = \"127.0.0.1:8081\" } ]";
    private static final String ADDRESS_EXPECTED =
            "expected \"host:port\" such as \"127.0.0.1:8081\", \"app1.internal:80\" or \"[::1]:8081\"";

    private final ConfigSection reference;
    private final Problems problems;

    /** Server names of each backend as written, for checking references even when a backend failed to bind. */
    private final Map<String, Set<String>> serverNames = new HashMap<>();

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
            return new RoutingConfig(routes, bound, defaultBackend);
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
            for (ConfigSection entry : entries) {
                if (entry == null) {
                    continue;
                }
                entry.checkKeys(serverKeys);
                ServerConfig s = bindServer(entry.withFallback(serverDefaults));
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
            cookie = bindCookie(cookieSection.withFallback(cookieDefaults));
        }

        if (problems.reported() != before) {
            return null;
        }
        try {
            return new BackendConfig(name, balance, servers, cookie, retries, redispatch);
        } catch (IllegalArgumentException e) {
            backend.problem(e.getMessage());
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
            return new ServerConfig(name, hostPort.host(), hostPort.port(), flags.weight, flags.backup, flags.maxConn);
        } catch (IllegalArgumentException e) {
            server.problem(e.getMessage());
            return null;
        }
    }

    private record ServerFlags(Integer weight, Boolean backup, Integer maxConn) {}

    private static ServerFlags bindServerFlags(ConfigSection server) {
        return new ServerFlags(
                server.integer("weight", 0, 256), server.bool("backup"), server.integer("max-conn", 0, 1_000_000));
    }

    private StickyCookieConfig bindCookie(ConfigSection cookie) {
        int before = problems.reported();
        String expected = "expected a cookie name (letters, digits and !#$%&'*+-.^_`|~)";
        String name = cookie.string("name", expected);
        if (name != null && !COOKIE_NAME.matcher(name).matches()) {
            cookie.problem("name", expected);
        }
        CookieFlags f = bindCookieFlags(cookie);
        if (problems.reported() != before) {
            return null;
        }
        try {
            return new StickyCookieConfig(name, f.indirect, f.nocache, f.httpOnly, f.secure, f.domain, f.maxIdle,
                    f.maxLife);
        } catch (IllegalArgumentException e) {
            cookie.problem(e.getMessage());
            return null;
        }
    }

    private record CookieFlags(Boolean indirect, Boolean nocache, Boolean httpOnly, Boolean secure, String domain,
            Duration maxIdle, Duration maxLife) {}

    private static CookieFlags bindCookieFlags(ConfigSection cookie) {
        String domainExpected = "expected a domain such as example.com, or null";
        String domain = cookie.optionalString("domain", domainExpected);
        if (domain != null && (domain.isBlank() || domain.chars().anyMatch(c -> c <= ' ' || c == ';' || c == ','))) {
            cookie.problem("domain", domainExpected);
        }
        return new CookieFlags(cookie.bool("indirect"), cookie.bool("nocache"), cookie.bool("httponly"),
                cookie.bool("secure"), domain, cookie.duration("max-idle", Duration.ZERO),
                cookie.duration("max-life", Duration.ZERO));
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
        String useServer = route.optionalString("use-server", "expected a server name of the route's backend");
        if (useServer != null && backend != null && backendNames.contains(backend)) {
            Set<String> servers = serverNames.getOrDefault(backend, Set.of());
            if (!servers.contains(useServer)) {
                String closest = ConfigSection.closest(useServer, servers);
                route.problem("use-server", "names no server of backend " + backend + "; its servers: "
                        + String.join(", ", servers) + (closest != null ? "; did you mean " + closest + "?" : ""));
            }
        }
        UnavailablePolicy onUnavailable = UnavailablePolicy.FALLBACK;
        if (route.isSet("on-unavailable")) {
            String expected = "expected fallback (balance over the backend) or refuse (answer 503)";
            String value = route.optionalString("on-unavailable", expected);
            if (useServer == null) {
                route.problem("on-unavailable", "applies only with use-server; remove it or add use-server");
            } else if ("fallback".equalsIgnoreCase(value)) {
                onUnavailable = UnavailablePolicy.FALLBACK;
            } else if ("refuse".equalsIgnoreCase(value)) {
                onUnavailable = UnavailablePolicy.REFUSE;
            } else if (value != null) {
                route.problem("on-unavailable", expected);
            }
        }
        RouteMatch match = bindMatch(route);
        if (problems.reported() != before) {
            return null;
        }
        try {
            return new RouteConfig(name, match, backend, useServer, onUnavailable);
        } catch (IllegalArgumentException e) {
            route.problem(e.getMessage());
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
