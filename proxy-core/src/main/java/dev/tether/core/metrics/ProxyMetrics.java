package dev.tether.core.metrics;

import dev.tether.core.log.ExchangeListener;
import dev.tether.core.log.ExchangeRecord;
import dev.tether.core.log.TerminationState;
import dev.tether.health.Prober;
import dev.tether.routing.RoutingTable;
import dev.tether.routing.balance.SlowStart;
import dev.tether.routing.config.BackendConfig;
import dev.tether.routing.config.ServerConfig;
import dev.tether.routing.model.Server;
import dev.tether.routing.model.ServerState;
import dev.tether.routing.sticky.StickTable;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * Counts every exchange and connection event into a Prometheus registry and keeps the per-server figures of the
 * stats page. Every metric is listed in {@code docs/metrics.md}.
 *
 * <p>The per-request path ({@link #exchangeFinished}) does two hash lookups (backend, then server) to find a
 * {@code ServerMeters} holding every meter of that server, then indexes arrays by status class and method; meters
 * are created once, on first use, so a request allocates nothing and concatenates no strings. Unknown methods are
 * counted as {@code OTHER} so a client cannot grow the label set. A third lookup finds the listener's request read
 * histogram. The server's in-flight counter is read through a reader resolved once per server
 * ({@link #bindSessionReaders}), and the registry's timers read wall time from {@link CoarseClock}, not the system
 * clock: together these were most of the per-exchange cost ({@code ProxyMetricsBenchmark}).
 *
 * <p>Server state comes from the routing table: each scrape, stats read and exchange compares the table the
 * supplier returns with the last one seen (an identity check), and on a change records which servers changed
 * state and when. Callers that swap the table may call {@link #observe} at once for exact "since" times.
 *
 * <p>"Current sessions" comes from the forwarding code ({@link #bindSessions}); "max sessions" is the highest value
 * seen when sampled at the end of every exchange on that server and on every stats read, so a burst shorter than
 * one exchange can be missed.
 *
 * <p>All methods may be called from any thread and do not block.
 */
public final class ProxyMetrics implements ExchangeListener {

    /** The label value for "no backend" or "no server" (a request answered by the proxy itself). */
    public static final String NONE = "-";

    /** Prometheus text exposition format served at {@code /metrics}. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** Latency buckets: fine below a second where HTTP lives, coarse up to a minute for slow exports. */
    static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)
    };

    static final String[] STATUS_CLASSES = {"none", "1xx", "2xx", "3xx", "4xx", "5xx"};
    static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE",
        "OTHER"};

    private final PrometheusMeterRegistry registry;
    private final Supplier<RoutingTable> table;
    private final Clock clock;
    private final ConcurrentHashMap<String, BackendMeters> backends = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ServerMeters> serversById = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ListenerMeters> listeners = new ConcurrentHashMap<>();
    private final long startMillis;
    private volatile RoutingTable observed;
    private volatile Function<String, IntSupplier> sessions = serverId -> () -> 0;
    private volatile IntSupplier pooledIdle = () -> 0;
    private volatile ToIntFunction<String> pinned = serverId -> 0;

    /**
     * Metrics on a new Prometheus registry and the system clock. The registry reads wall time from {@link
     * CoarseClock}: its timers would otherwise call {@code System.currentTimeMillis()} four times per exchange.
     */
    public ProxyMetrics(Supplier<RoutingTable> table) {
        this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(), CoarseClock.INSTANCE),
                table, Clock.systemUTC());
    }

    /**
     * @param registry where the meters go; {@link #scrape} renders it
     * @param table the current routing table, read for server state gauges and the stats page; may return
     *     {@code null} until the proxy that owns it is built
     * @param clock wall clock for "state since" and "last check" times
     */
    public ProxyMetrics(PrometheusMeterRegistry registry, Supplier<RoutingTable> table, Clock clock) {
        this.registry = registry;
        this.table = table;
        this.clock = clock;
        this.startMillis = clock.millis();
        Gauge.builder("tether.server.connections.idle", this, m -> m.pooledIdle.getAsInt())
                .description("Idle pooled connections to servers, all servers together")
                .strongReference(true)
                .register(registry);
        // The table is read lazily (first exchange, scrape or stats read): the supplier may belong to a server
        // that is built after this listener.
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The wall clock the stats times are read from. */
    public Clock clock() {
        return clock;
    }

    /**
     * Where "current sessions" come from: requests in flight on a server, by {@code backend/server} id. Called on
     * every finished exchange (on event loops) and on scrapes (admin thread), so it must be a cheap thread-safe
     * lookup. Prefer {@link #bindSessionReaders}, which is looked up once per server.
     */
    public ProxyMetrics bindSessions(ToIntFunction<String> inFlight) {
        return bindSessionReaders(serverId -> () -> inFlight.applyAsInt(serverId));
    }

    /**
     * Where "current sessions" come from: for a {@code backend/server} id, a reader of that server's requests in
     * flight ({@code InFlightCounters.counter(id)::get}). Asked once per server, so an exchange reads its server's
     * counter without a map lookup; the reader is called on event loops and the admin thread.
     */
    public ProxyMetrics bindSessionReaders(Function<String, IntSupplier> readers) {
        this.sessions = readers;
        return this;
    }

    /** Where the idle pooled connection count comes from (all servers, all event loops). */
    /** Where pinned sessions come from: sticky sessions seen per server within the drain idle window. */
    public ProxyMetrics bindPinnedSessions(ToIntFunction<String> sessions) {
        this.pinned = sessions;
        return this;
    }

    public ProxyMetrics bindPooledIdle(IntSupplier idle) {
        this.pooledIdle = idle;
        return this;
    }

    /** The registry in Prometheus text format, after bringing server states up to date. */
    public String scrape() {
        observe(table.get());
        return registry.scrape();
    }

    // ---------------------------------------------------------------- ExchangeListener

    @Override
    public void exchangeFinished(ExchangeRecord r) {
        RoutingTable current = table.get();
        if (current != observed) {
            observe(current);
        }
        String backend = r.backend() == null ? NONE : r.backend();
        String serverName = r.server() == null ? NONE : r.server();
        ServerMeters s = server(backend, serverName);
        int statusClass = statusClass(r.status());
        s.requests(statusClass, methodIndex(r.method())).increment();
        if (statusClass == 5) {
            s.responses5xx.increment();
        }
        if (r.responseNanos() >= 0) {
            s.response.record(r.responseNanos(), TimeUnit.NANOSECONDS);
        }
        // A tunnel's total is its lifetime (hours), not a request duration: it would only fill the +Inf bucket.
        if (r.totalNanos() >= 0 && !r.tunnel()) {
            s.total.record(r.totalNanos(), TimeUnit.NANOSECONDS);
        }
        if (r.bytesIn() > 0) {
            s.bytesIn.increment(r.bytesIn());
        }
        if (r.bytesOut() > 0) {
            s.bytesOut.increment(r.bytesOut());
        }
        if ("STICKY_COOKIE".equals(r.reason())) {
            s.stickyRouted.increment();
        }
        TerminationState termination = r.termination();
        if (termination != null && errorCause(termination) != null) {
            s.error(termination).increment();
        }
        if (r.server() != null) {
            s.sampleSessions(s.sessions());
        }
        if (r.requestReadNanos() >= 0 && r.listener() != null) {
            listener(r.listener()).requestRead.record(r.requestReadNanos(), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void clientConnectionOpened(String listener) {
        ListenerMeters l = listener(listener);
        l.open.incrementAndGet();
        l.opened.increment();
    }

    @Override
    public void clientConnectionClosed(String listener) {
        listener(listener).open.decrementAndGet();
    }

    @Override
    public void serverConnectionOpened(String serverId) {
        ServerMeters s = server(serverId);
        s.connections.incrementAndGet();
        s.connectionsOpened.increment();
    }

    @Override
    public void serverConnectionClosed(String serverId) {
        server(serverId).connections.decrementAndGet();
    }

    @Override
    public void retried(String serverId, String failureKind, boolean redispatch) {
        ServerMeters s = server(serverId);
        s.retries(failureKind == null ? "UNKNOWN" : failureKind).increment();
        if (redispatch) {
            s.redispatches.increment();
        }
    }

    @Override
    public void tunnelOpened(String backend) {
        BackendMeters b = backend(backend);
        b.tunnels.incrementAndGet();
        b.tunnelsOpened.increment();
    }

    @Override
    public void tunnelClosed(String backend, long bytesFromClient, long bytesFromServer) {
        BackendMeters b = backend(backend);
        b.tunnels.decrementAndGet();
        if (bytesFromClient > 0) {
            b.tunnelBytesFromClient.increment(bytesFromClient);
        }
        if (bytesFromServer > 0) {
            b.tunnelBytesFromServer.increment(bytesFromServer);
        }
    }

    @Override
    public void queued(String backend) {
        backend(backend).queue.incrementAndGet();
    }

    @Override
    public void dequeued(String backend, long waitNanos) {
        BackendMeters b = backend(backend);
        b.queue.decrementAndGet();
        b.queueWait.record(Math.max(0, waitNanos), TimeUnit.NANOSECONDS);
    }

    @Override
    public void tlsHandshake(String listener, boolean success) {
        ListenerMeters l = listener(listener);
        (success ? l.tlsSucceeded : l.tlsFailed).increment();
    }

    @Override
    public void acceptFailed(String listener) {
        listener(listener).acceptErrors.increment();
    }

    // ---------------------------------------------------------------- events outside ExchangeListener

    /** A health check of {@code backend/server} finished; latency and detail unknown. */
    public void healthCheck(String serverId, boolean pass) {
        healthCheck(serverId, pass, -1, null);
    }

    /**
     * A health check of {@code serverId} ({@code backend/server}) finished.
     *
     * @param latencyNanos how long it took, -1 when unknown
     * @param detail a few words for the stats page ({@code status 200 in 3 ms}), or {@code null}
     */
    public void healthCheck(String serverId, boolean pass, long latencyNanos, String detail) {
        ServerMeters s = server(serverId);
        (pass ? s.checksPassed : s.checksFailed).increment();
        s.lastCheck = new LastCheck(pass, clock.millis(), latencyNanos, detail);
    }

    /**
     * {@code prober} with every result counted through {@link #healthCheck(String, boolean, long, String)}: wrap
     * the prober given to a {@code HealthChecker}. A probe whose stage never completes (the checker's own watchdog
     * gives up on it) is not counted.
     */
    public Prober countProbes(Prober prober) {
        return server -> prober.probe(server).whenComplete((result, error) -> {
            if (result != null) {
                healthCheck(server.id(), result.passed(), result.duration().toNanos(), result.describe());
            } else {
                healthCheck(server.id(), false, -1, String.valueOf(error));
            }
        });
    }

    // ---------------------------------------------------------------- server state

    /**
     * Brings server states up to date with {@code t}: records when each server's state changed, and registers
     * (or removes) the per-server gauges of servers added to (or removed from) the configuration.
     */
    public synchronized void observe(RoutingTable t) {
        if (t == null || t == observed) {
            return;
        }
        long now = clock.millis();
        Set<ServerMeters> seen = new HashSet<>();
        for (BackendConfig b : t.config().backends()) {
            for (Server server : t.servers(b.name())) {
                ServerMeters s = server(b.name(), server.name());
                seen.add(s);
                if (s.state != server.state()) {
                    s.stateSinceMillis = s.state == null && observed == null ? startMillis : now;
                    s.state = server.state();
                }
                if (s.stateGauges.isEmpty()) {
                    registerServerGauges(s);
                }
            }
        }
        for (ServerMeters s : serversById.values()) {
            if (!seen.contains(s) && !s.stateGauges.isEmpty()) {
                for (Meter m : s.stateGauges) {
                    registry.remove(m);
                }
                s.stateGauges.clear();
                s.state = null;
            }
        }
        observed = t;
    }

    private void registerServerGauges(ServerMeters s) {
        for (ServerState state : ServerState.values()) {
            s.stateGauges.add(Gauge.builder("tether.server.state", s, m -> m.state == state ? 1 : 0)
                    .description("1 when the server is in this state, else 0")
                    .tags("backend", s.backend, "server", s.server, "state", state.name())
                    .strongReference(true)
                    .register(registry));
        }
        s.stateGauges.add(Gauge.builder("tether.server.sessions", s, ServerMeters::sessions)
                .description("Requests in flight on the server")
                .tags("backend", s.backend, "server", s.server)
                .strongReference(true)
                .register(registry));
        s.stateGauges.add(Gauge.builder("tether.server.sessions.pinned", s, m -> pinned.applyAsInt(m.id))
                .description("Sticky sessions seen on the server within its backend's drain-idle-timeout")
                .tags("backend", s.backend, "server", s.server)
                .strongReference(true)
                .register(registry));
    }

    // ---------------------------------------------------------------- stats page

    /** Every configured backend and server of the current table with its figures, in configuration order. */
    public List<BackendStats> stats() {
        RoutingTable t = table.get();
        if (t == null) {
            return List.of();
        }
        observe(t);
        List<BackendStats> result = new ArrayList<>();
        for (BackendConfig b : t.config().backends()) {
            List<ServerStats> servers = new ArrayList<>();
            for (Server server : t.servers(b.name())) {
                ServerMeters s = server(b.name(), server.name());
                ServerConfig c = server.config();
                int current = s.sessions();
                s.sampleSessions(current);
                LastCheck check = s.lastCheck;
                servers.add(new ServerStats(b.name(), server.name(), server.state(), s.stateSinceMillis,
                        check == null ? null : check.passed, check == null ? -1 : check.atMillis,
                        check == null ? -1 : check.latencyNanos, check == null ? null : check.detail,
                        c.weight(), c.backup(), current, s.maxSessions.get(), c.maxConn(), s.requestCount(),
                        s.responses5xx.sum(), (long) s.bytesIn.count(), (long) s.bytesOut.count(),
                        (long) s.stickyRouted.count(), b.drainIdle().isZero() ? -1 : pinned.applyAsInt(s.id),
                        slowStartPercent(t.slowStart(b.name(), server.name()))));
            }
            BackendMeters bm = backend(b.name());
            StickTable stick = t.stickTable(b.name());
            result.add(new BackendStats(b.name(), bm.queue.get(), bm.tunnels.get(), servers,
                    stick == null ? -1 : stick.size()));
        }
        return result;
    }

    private static int slowStartPercent(SlowStart ramp) {
        long now = System.currentTimeMillis();
        return ramp == null || ramp.over(now) ? -1 : (int) (ramp.share(now) * 100);
    }

    // ---------------------------------------------------------------- label mapping

    /** Index into {@link #STATUS_CLASSES}: 1..5 for 1xx..5xx, 0 when no (valid) status was sent. */
    static int statusClass(int status) {
        return status >= 100 && status < 600 ? status / 100 : 0;
    }

    /** Index into {@link #METHODS}; anything else is {@code OTHER}. */
    static int methodIndex(String method) {
        if (method == null) {
            return METHODS.length - 1;
        }
        switch (method) {
            case "GET":
                return 0;
            case "HEAD":
                return 1;
            case "POST":
                return 2;
            case "PUT":
                return 3;
            case "DELETE":
                return 4;
            case "PATCH":
                return 5;
            case "OPTIONS":
                return 6;
            case "CONNECT":
                return 7;
            case "TRACE":
                return 8;
            default:
                return METHODS.length - 1;
        }
    }

    /**
     * The {@code cause} label of {@code tether_errors_total} for an exchange ending this way, or {@code null} when
     * it is not an error (normal end, a local answer such as a redirect, an idle tunnel timing out).
     */
    public static String errorCause(TerminationState t) {
        switch (t) {
            case NORMAL:
            case PROXY_LOCAL:
            case TUNNEL_TIMEOUT:
                return null;
            case CLIENT_ABORT_REQUEST:
            case CLIENT_ABORT_DATA:
                return "client_abort";
            case CLIENT_TIMEOUT_REQUEST:
                return "client_timeout";
            case PROXY_REJECT_REQUEST:
                return "bad_request";
            case SERVER_QUEUE_TIMEOUT:
                return "queue_timeout";
            case SERVER_CONNECT:
                return "connect_failure";
            case SERVER_TIMEOUT_HEADERS:
                return "server_timeout";
            case SERVER_ABORT_HEADERS:
            case SERVER_ABORT_DATA:
                return "server_abort";
            case PROXY_SHUTDOWN:
                return "shutdown";
            default:
                return "other";
        }
    }

    // ---------------------------------------------------------------- meter holders

    private BackendMeters backend(String name) {
        BackendMeters b = backends.get(name);
        return b != null ? b : backends.computeIfAbsent(name, BackendMeters::new);
    }

    private ServerMeters server(String backend, String server) {
        return backend(backend).server(server);
    }

    /** {@code backend/server} as in {@link Server#id()}; rare events only, it splits the string. */
    private ServerMeters server(String serverId) {
        ServerMeters s = serversById.get(serverId);
        if (s != null) {
            return s;
        }
        int slash = serverId.indexOf('/');
        return slash < 0 ? server(NONE, serverId) : server(serverId.substring(0, slash), serverId.substring(slash + 1));
    }

    private ListenerMeters listener(String name) {
        ListenerMeters l = listeners.get(name);
        return l != null ? l : listeners.computeIfAbsent(name, ListenerMeters::new);
    }

    private Timer latencyTimer(String name, String description, String... tags) {
        return Timer.builder(name)
                .description(description)
                .tags(tags)
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
    }

    private record SessionReader(Function<String, IntSupplier> binding, IntSupplier reader) {}

    private record LastCheck(boolean passed, long atMillis, long latencyNanos, String detail) {}

    private final class BackendMeters {
        final String name;
        final ConcurrentHashMap<String, ServerMeters> servers = new ConcurrentHashMap<>();
        final AtomicInteger queue = new AtomicInteger();
        final AtomicInteger tunnels = new AtomicInteger();
        final Timer queueWait;
        final Counter tunnelsOpened;
        final Counter tunnelBytesFromClient;
        final Counter tunnelBytesFromServer;

        /** Read from the current table on scrape: the table, and with a reload the stick table, may change. */
        double stickTableKeys() {
            RoutingTable t = table.get();
            StickTable stick = t == null ? null : t.stickTable(name);
            return stick == null ? 0 : stick.size();
        }

        BackendMeters(String name) {
            this.name = name;
            Gauge.builder("tether.queue.length", queue, AtomicInteger::get)
                    .description("Requests waiting for a usable server")
                    .tags("backend", name)
                    .strongReference(true)
                    .register(registry);
            Gauge.builder("tether.stick.table.keys", this, m -> m.stickTableKeys())
                    .description("Keys held in the backend's stick table (0 without one)")
                    .tags("backend", name)
                    .strongReference(true)
                    .register(registry);
            Gauge.builder("tether.tunnels", tunnels, AtomicInteger::get)
                    .description("Open websocket tunnels")
                    .tags("backend", name)
                    .strongReference(true)
                    .register(registry);
            queueWait = latencyTimer("tether.queue.wait", "Time requests waited for a usable server",
                    "backend", name);
            tunnelsOpened = Counter.builder("tether.tunnels.opened")
                    .description("Websocket tunnels opened")
                    .tags("backend", name)
                    .register(registry);
            tunnelBytesFromClient = tunnelBytes(name, "from_client");
            tunnelBytesFromServer = tunnelBytes(name, "from_server");
        }

        private Counter tunnelBytes(String backend, String direction) {
            return Counter.builder("tether.tunnel.bytes")
                    .description("Bytes relayed through closed websocket tunnels")
                    .baseUnit("bytes")
                    .tags("backend", backend, "direction", direction)
                    .register(registry);
        }

        ServerMeters server(String server) {
            ServerMeters s = servers.get(server);
            return s != null ? s : servers.computeIfAbsent(server, n -> {
                ServerMeters created = new ServerMeters(name, n);
                serversById.put(created.id, created);
                return created;
            });
        }
    }

    private final class ServerMeters {
        final String backend;
        final String server;
        final String id;
        final AtomicReferenceArray<Counter> requests =
                new AtomicReferenceArray<>(STATUS_CLASSES.length * METHODS.length);
        final AtomicReferenceArray<Counter> errors = new AtomicReferenceArray<>(TerminationState.values().length);
        final ConcurrentHashMap<String, Counter> retries = new ConcurrentHashMap<>();
        /** Not exported (tether_requests_total has it); the stats page needs it without summing label sets. */
        final LongAdder responses5xx = new LongAdder();
        final Timer response;
        final Timer total;
        final Counter bytesIn;
        final Counter bytesOut;
        final Counter stickyRouted;
        final Counter redispatches;
        final Counter checksPassed;
        final Counter checksFailed;
        final Counter connectionsOpened;
        final AtomicInteger connections = new AtomicInteger();
        final AtomicInteger maxSessions = new AtomicInteger();
        final List<Meter> stateGauges = new ArrayList<>();
        volatile ServerState state;
        volatile long stateSinceMillis;
        volatile LastCheck lastCheck;
        /** This server's reader, looked up on first use and again after a new binding. */
        volatile SessionReader sessionReader;

        ServerMeters(String backend, String server) {
            this.backend = backend;
            this.server = server;
            this.id = backend + "/" + server;
            response = latencyTimer("tether.response", "From request head in to response head out",
                    "backend", backend, "server", server);
            total = latencyTimer("tether.request.duration", "From request head in to the last response byte out",
                    "backend", backend, "server", server);
            bytesIn = counter("tether.request.body", "Request body bytes read from clients", "bytes");
            bytesOut = counter("tether.response.body", "Response body bytes written to clients", "bytes");
            stickyRouted = counter("tether.sticky.routed", "Requests routed by their sticky cookie", null);
            redispatches = counter("tether.redispatches", "Retries sent to another server after a failure", null);
            connectionsOpened = counter("tether.server.connections.opened", "TCP connections opened to the server",
                    null);
            checksPassed = healthChecks("pass");
            checksFailed = healthChecks("fail");
            Gauge.builder("tether.server.connections", connections, AtomicInteger::get)
                    .description("Open TCP connections to the server, in use or pooled")
                    .tags("backend", backend, "server", server)
                    .strongReference(true)
                    .register(registry);
        }

        private Counter counter(String name, String description, String unit) {
            return Counter.builder(name)
                    .description(description)
                    .baseUnit(unit)
                    .tags("backend", backend, "server", server)
                    .register(registry);
        }

        private Counter healthChecks(String result) {
            return Counter.builder("tether.health.checks")
                    .description("Health check results")
                    .tags("backend", backend, "server", server, "result", result)
                    .register(registry);
        }

        Counter requests(int statusClass, int method) {
            int i = statusClass * METHODS.length + method;
            Counter c = requests.get(i);
            if (c == null) {
                // Two threads may race here; the registry returns the same counter to both.
                c = Counter.builder("tether.requests")
                        .description("Finished exchanges")
                        .tags("backend", backend, "server", server, "status_class", STATUS_CLASSES[statusClass],
                                "method", METHODS[method])
                        .register(registry);
                requests.set(i, c);
            }
            return c;
        }

        Counter error(TerminationState t) {
            Counter c = errors.get(t.ordinal());
            if (c == null) {
                c = Counter.builder("tether.errors")
                        .description("Exchanges that ended in an error, by cause")
                        .tags("backend", backend, "server", server, "cause", errorCause(t))
                        .register(registry);
                errors.set(t.ordinal(), c);
            }
            return c;
        }

        Counter retries(String failureKind) {
            Counter c = retries.get(failureKind);
            return c != null ? c : retries.computeIfAbsent(failureKind, k -> Counter.builder("tether.retries")
                    .description("Failed attempts followed by another attempt")
                    .tags("backend", backend, "server", server, "failure", k)
                    .register(registry));
        }

        long requestCount() {
            long sum = 0;
            for (int i = 0; i < requests.length(); i++) {
                Counter c = requests.get(i);
                if (c != null) {
                    sum += (long) c.count();
                }
            }
            return sum;
        }

        int sessions() {
            Function<String, IntSupplier> binding = ProxyMetrics.this.sessions;
            SessionReader r = sessionReader;
            if (r == null || r.binding != binding) {
                r = new SessionReader(binding, binding.apply(id));
                sessionReader = r;
            }
            return r.reader.getAsInt();
        }

        void sampleSessions(int current) {
            int max = maxSessions.get();
            while (current > max && !maxSessions.compareAndSet(max, current)) {
                max = maxSessions.get();
            }
        }
    }

    private final class ListenerMeters {
        final AtomicInteger open = new AtomicInteger();
        final Counter opened;
        final Counter tlsSucceeded;
        final Counter tlsFailed;
        final Counter acceptErrors;
        final Timer requestRead;

        ListenerMeters(String name) {
            Gauge.builder("tether.client.connections", open, AtomicInteger::get)
                    .description("Open client connections")
                    .tags("listener", name)
                    .strongReference(true)
                    .register(registry);
            opened = Counter.builder("tether.client.connections.opened")
                    .description("Client connections accepted")
                    .tags("listener", name)
                    .register(registry);
            acceptErrors = Counter.builder("tether.accept.errors")
                    .description("Failed accepts (usually no file descriptor left); accepting pauses a second")
                    .tags("listener", name)
                    .register(registry);
            tlsSucceeded = tls(name, "success");
            tlsFailed = tls(name, "failure");
            requestRead = latencyTimer("tether.request.read", "From the first byte of a request head to the complete"
                    + " head (Tq)", "listener", name);
        }

        private Counter tls(String listener, String result) {
            return Counter.builder("tether.tls.handshakes")
                    .description("TLS handshakes")
                    .tags("listener", listener, "result", result)
                    .register(registry);
        }
    }
}
