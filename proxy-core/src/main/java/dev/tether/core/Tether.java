package dev.tether.core;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.tether.core.admin.AdminServer;
import dev.tether.core.config.ConfigLoader;
import dev.tether.core.config.ConfigProblem;
import dev.tether.core.config.InvalidConfigException;
import dev.tether.core.config.ProxyConfig;
import dev.tether.core.log.AccessLog;
import dev.tether.core.log.ExchangeListener;
import dev.tether.core.log.ExchangeListeners;
import dev.tether.core.metrics.ProxyMetrics;
import dev.tether.core.ops.ConfigDiff;
import dev.tether.core.ops.OpsApi;
import dev.tether.core.ops.ReloadResult;
import dev.tether.core.ops.ShardPinTable;
import dev.tether.health.AdminState;
import dev.tether.health.HealthCheckConfig;
import dev.tether.health.HealthChecker;
import dev.tether.health.Scheduler;
import dev.tether.health.ServerStateChange;
import dev.tether.health.netty.HttpHeadProber;
import dev.tether.routing.RoutingTable;
import dev.tether.routing.ShardPins;
import dev.tether.routing.config.BackendConfig;
import dev.tether.routing.config.RoutingConfig;
import dev.tether.routing.config.ServerConfig;
import dev.tether.routing.model.Server;
import dev.tether.routing.model.ServerState;
import io.micrometer.core.instrument.Counter;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Tether: the proxy server and what watches and reports on it (health checkers, metrics, access log,
 * admin listener with the runtime API). This is where the parts are wired together; {@link ProxyMain} and the
 * end-to-end tests start it.
 *
 * <p>A server's state in the routing table combines two things: its health (what the checks say) and its
 * administrative state (ready, drain, maint, as the operator set it). Health changes never override an operator's
 * drain or maint. Both are kept here by server id, so a reload or a weight change, which compile a new table, can
 * give every server that still exists the state it had.
 *
 * <p>A reload ({@link #reload(Path)}, {@code POST /api/reload}, SIGHUP) never touches what is in flight:
 * <pre>
 *   load + validate the file ---- invalid --> refused: every problem reported, nothing changed
 *     | valid
 *   diff old/new (one log line)
 *   compile the new table, carry each remaining server's health and admin state over, swap it
 *     (exchanges in progress keep the table and config they read; tunnels never look at either)
 *   health checkers: removed and changed backends stop; changed and added ones start from the carried state;
 *     unchanged backends keep theirs (no flap)
 *   new config for new exchanges; listeners: bind added, close removed (their connections drain), rebind changed
 * </pre>
 */
public final class Tether {

    private static final Logger log = LoggerFactory.getLogger(Tether.class);

    private final ProxyServer server;
    private final ProxyMetrics metrics;
    private final ConcurrentHashMap<String, HealthChecker> checkers = new ConcurrentHashMap<>();
    // The same checkers as an array for the traffic observer, which runs once per response: no iterator each time.
    private volatile HealthChecker[] observing = new HealthChecker[0];
    private final Object observingLock = new Object();
    private final ConcurrentHashMap<String, AdminState> adminStates = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Boolean> healthy = new ConcurrentHashMap<>();
    // One change of the table's shape (reload, weight) at a time.
    private final ReentrantLock reshape = new ReentrantLock();
    private final AtomicLong reloadIds = new AtomicLong();
    private volatile ReloadResult lastReload = ReloadResult.none();
    private volatile Path configFile;
    // Outlives reloads: it is what keeps moved shard keys on their old server.
    private final ShardPinTable shardPins;
    private ExecutorService reloads;
    private boolean stopped; // guarded by this
    private ScheduledExecutorService watcher;
    private AdminServer admin;
    private OpsApi ops;
    private EventLoopGroup adminGroup;

    private Tether(ProxyServer server, ProxyMetrics metrics, ShardPinTable shardPins) {
        this.server = server;
        this.metrics = metrics;
        this.shardPins = shardPins;
    }

    /** Starts with metrics and the access log. */
    public static Tether start(ProxyConfig config) throws InterruptedException {
        return start(config, ExchangeListener.NONE);
    }

    /**
     * Binds the listeners, starts a health checker for every backend whose checks are enabled, and the admin
     * listener when configured. {@code extra} receives every exchange event too (tests).
     */
    public static Tether start(ProxyConfig config, ExchangeListener extra) throws InterruptedException {
        warnAbout(config);
        TableHolder tables = new TableHolder(RoutingTable.compile(config.routing()));
        ProxyMetrics metrics = new ProxyMetrics(tables);
        // -Dtether.metrics=off leaves request metrics out (the admin listener still answers); it exists so the
        // benchmark can measure what they cost.
        boolean requestMetrics = !"off".equalsIgnoreCase(System.getProperty("tether.metrics"));
        ExchangeListener events = requestMetrics
                ? ExchangeListeners.of(metrics, new AccessLog(), extra)
                : ExchangeListeners.of(new AccessLog(), extra);
        ShardPinTable shardPins = new ShardPinTable(config.shardPins());
        ProxyServer server = new ProxyServer(config, tables, events, shardPins).start();
        metrics.bindSessionReaders(id -> server.inFlight().counter(id)::get)
                .bindPooledIdle(server.connector()::idleConnections)
                .bindPinnedSessions(server.sessions()::count);
        Tether tether = new Tether(server, metrics, shardPins);
        try {
            for (String result : List.of("applied", "unchanged", "refused")) {
                reloadCounter(metrics, result);
            }
            for (BackendConfig backend : config.routing().backends()) {
                tether.startHealthCheck(config, backend, tables.get().servers(backend.name()));
            }
            server.trafficObserver((serverId, outcome) -> {
                for (HealthChecker checker : tether.observing) {
                    checker.observe(serverId, outcome);
                }
            });
            tether.startAdmin(config);
        } catch (RuntimeException e) {
            tether.stop();
            throw e;
        }
        return tether;
    }

    private static Counter reloadCounter(ProxyMetrics metrics, String result) {
        return Counter.builder("tether.reloads")
                .description("Configuration reloads by result: applied, unchanged (no difference), refused (invalid)")
                .tag("result", result)
                .register(metrics.registry());
    }

    /** Starts checking one backend's servers; {@code servers} carry the health each starts from (DOWN or not). */
    private void startHealthCheck(ProxyConfig config, BackendConfig backend, List<Server> servers) {
        HealthCheckConfig health = config.health(backend.name());
        if (!health.enabled()) {
            return;
        }
        HttpHeadProber prober = new HttpHeadProber(server.ioGroup(), server.transport().socketChannel(), health);
        checkers.put(backend.name(), HealthChecker.start(servers, health, config.passiveHealth(backend.name()),
                metrics.countProbes(prober), this::onHealthChange, Scheduler.of(server.ioGroup().next()),
                Ticker.systemTicker(), new SplittableRandom()));
        checkersChanged();
    }

    /** After every change to {@link #checkers}; one at a time, so that the last array written is the latest. */
    private void checkersChanged() {
        synchronized (observingLock) {
            observing = checkers.values().toArray(new HealthChecker[0]);
        }
    }

    private void startAdmin(ProxyConfig config) {
        if (config.admin() == null) {
            return;
        }
        adminGroup = server.transport().newGroup(1, "tether-admin");
        admin = new AdminServer(config.admin(), metrics, server.tables(), adminGroup);
        ops = OpsApi.register(this, admin);
        InetSocketAddress bound = admin.start().join();
        log.info("admin listener on {}", bound);
    }

    private void onHealthChange(ServerStateChange change) {
        String id = change.server().id();
        healthy.put(id, change.to() == ServerState.UP);
        publish(change.server().backend(), change.server().name());
    }

    /** Sets an operator state (ready, drain, maint) for a server; health keeps being tracked underneath. */
    public void setAdminState(String backend, String serverName, AdminState state) {
        adminStates.put(backend + "/" + serverName, state);
        publish(backend, serverName);
    }

    /** The operator state of a server; {@code READY} unless set. */
    public AdminState adminState(String backend, String serverName) {
        return adminStates.getOrDefault(backend + "/" + serverName, AdminState.READY);
    }

    /** {@code UP} or {@code DOWN} as the health checks say, or {@code UNCHECKED} when the backend has no checks. */
    public String health(String backend, String serverName) {
        if (!checkers.containsKey(backend)) {
            return "UNCHECKED";
        }
        return healthy.getOrDefault(backend + "/" + serverName, true) ? "UP" : "DOWN";
    }

    /**
     * Puts a server's effective state in the table. One that comes back up from DOWN or MAINT ramps up over the
     * backend's {@code slow-start}; once the ramp is over, the table drops it so picks stop checking it.
     */
    private void publish(String backend, String serverName) {
        long slowStart = server.config().slowStart(backend).toMillis();
        server.tables().setServerState(backend, serverName, effective(backend + "/" + serverName),
                System.currentTimeMillis(), slowStart);
        if (slowStart > 0 && server.tables().get().slowStart(backend, serverName) != null) {
            try {
                server.ioGroup().schedule(
                        () -> server.tables().update(t -> t.withoutFinishedSlowStarts(System.currentTimeMillis())),
                        slowStart + 10, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // Stopping: nothing will pick servers any more.
            }
        }
    }

    private ServerState effective(String id) {
        return adminStates.getOrDefault(id, AdminState.READY).effective(healthy.getOrDefault(id, true));
    }

    /** {@code compiled} (every server UP) with each server's health and admin state applied. */
    private RoutingTable withStates(RoutingTable compiled) {
        RoutingTable t = compiled;
        for (BackendConfig b : compiled.config().backends()) {
            for (ServerConfig s : b.servers()) {
                ServerState state = effective(b.name() + "/" + s.name());
                if (state != ServerState.UP) {
                    t = t.withServerState(b.name(), s.name(), state);
                }
            }
        }
        return t;
    }

    /**
     * Gives a server another weight until the next reload (which restores the file's), like HAProxy's
     * {@code set weight}. Compiles a new table with every state carried over.
     *
     * @return {@code false} when there is no such server
     * @throws IllegalArgumentException when the table cannot be compiled with it (a hash rule left with no server)
     * @throws IllegalStateException when a reload is in progress
     */
    public boolean setWeight(String backend, String serverName, int weight) {
        if (!reshape.tryLock()) {
            throw new IllegalStateException("a reload is in progress; try again");
        }
        try {
            RoutingConfig current = server.tables().get().config();
            BackendConfig b = current.backends().stream().filter(x -> x.name().equals(backend)).findFirst()
                    .orElse(null);
            if (b == null || b.server(serverName) == null) {
                return false;
            }
            List<BackendConfig> backends = new ArrayList<>();
            for (BackendConfig x : current.backends()) {
                if (x != b) {
                    backends.add(x);
                    continue;
                }
                List<ServerConfig> servers = new ArrayList<>();
                for (ServerConfig s : b.servers()) {
                    servers.add(s.name().equals(serverName)
                            ? new ServerConfig(s.name(), s.host(), s.port(), weight, s.backup(), s.maxConn(), s.cookie())
                            : s);
                }
                backends.add(b.withServers(servers));
            }
            RoutingTable compiled =
                    RoutingTable.compile(new RoutingConfig(current.routes(), backends, current.defaultBackend()));
            server.tables().update(t -> withStates(compiled).withStickTablesOf(t).withSlowStartsOf(t));
            return true;
        } finally {
            reshape.unlock();
        }
    }

    // ---------------------------------------------------------------- reload

    /**
     * The file {@link #reloadAsync} and SIGHUP load; {@code tether FILE} sets it. With {@code reload-watch} on, the
     * file is polled from now on and reloaded when it changes.
     */
    public Tether configFile(Path file) {
        this.configFile = file;
        Duration every = server.config().reloadWatch();
        if (!every.isZero()) {
            watchConfigFile(file, every);
        }
        return this;
    }

    /**
     * Polls {@code file} and reloads when its modification time, size or inode changed. Polling, like the TLS
     * certificate reload, because editors and Kubernetes ConfigMaps replace files by rename, which a WatchService
     * on the file's directory reports unreliably. A half-written file is refused like any invalid one, and the next
     * change is reloaded again.
     */
    private synchronized void watchConfigFile(Path file, Duration every) {
        if (watcher != null) {
            return;
        }
        watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tether-config-watch");
            t.setDaemon(true);
            t.setContextClassLoader(Tether.class.getClassLoader());
            return t;
        });
        Object[] seen = {stamp(file)};
        watcher.scheduleWithFixedDelay(() -> {
            Object now = stamp(file);
            if (!now.equals(seen[0])) {
                seen[0] = now;
                long id = reloadAsync();
                log.info("{} changed on disk: reload #{}", file, id);
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        log.info("watching {} every {} for changes (reload-watch)", file, every);
    }

    /** What identifies a version of the file: modification time, size and inode; "missing" when unreadable. */
    private static Object stamp(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return List.of(a.lastModifiedTime(), a.size(), String.valueOf(a.fileKey()));
        } catch (IOException e) {
            return "missing";
        }
    }

    /** Reloads the configuration file on SIGHUP (off the signal thread, one reload at a time). */
    public Tether reloadOnSighup() {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
                long id = reloadAsync();
                log.info("SIGHUP: reload #{} of {}", id, configFile);
            });
        } catch (IllegalArgumentException e) {
            log.warn("cannot watch SIGHUP ({}); reload with `tether reload` instead", e.getMessage());
        }
        return this;
    }

    /**
     * Starts a reload of the configuration file on the reload thread.
     *
     * @return the reload's id, to find its result in {@link #lastReload()}; -1 when there is no file to reload or
     *     Tether is stopping
     */
    public long reloadAsync() {
        Path file = configFile;
        if (file == null) {
            return -1;
        }
        long id = reloadIds.incrementAndGet();
        synchronized (this) {
            if (stopped) {
                return -1; // a late SIGHUP or file change has nothing left to reload
            }
            if (reloads == null) {
                reloads = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "tether-reload");
                    t.setDaemon(true);
                    // Created from the signal thread, which has none; Typesafe Config needs one for reference.conf.
                    t.setContextClassLoader(Tether.class.getClassLoader());
                    return t;
                });
            }
            lastReload = new ReloadResult(id, "running", file.toString(), "", List.of(), Instant.now());
            reloads.execute(() -> reload(file, id));
        }
        return id;
    }

    /** The outcome of the latest reload (or {@code none}). */
    public ReloadResult lastReload() {
        return lastReload;
    }

    /** Loads {@code file} and applies it if valid; see the class comment. Blocks; call from a plain thread. */
    public ReloadResult reload(Path file) {
        return reload(file, reloadIds.incrementAndGet());
    }

    private ReloadResult reload(Path file, long id) {
        ProxyConfig next;
        try {
            next = ConfigLoader.load(file);
        } catch (InvalidConfigException e) {
            return refused(id, file.toString(), e.problems().stream().map(ConfigProblem::message).toList());
        } catch (RuntimeException e) {
            return refused(id, file.toString(), List.of(file + ": " + e.getMessage()));
        }
        return apply(next, id);
    }

    /** Applies an already loaded configuration; see the class comment. Blocks; call from a plain thread. */
    public ReloadResult reload(ProxyConfig next) {
        return apply(next, reloadIds.incrementAndGet());
    }

    private ReloadResult apply(ProxyConfig next, long id) {
        long started = System.nanoTime();
        reshape.lock();
        try {
            RoutingTable compiled;
            try {
                compiled = RoutingTable.compile(next.routing());
            } catch (IllegalArgumentException e) {
                return refused(id, next.source(), List.of(next.source() + ": " + e.getMessage()));
            }
            ProxyConfig old = server.config();
            ConfigDiff diff = ConfigDiff.between(old, next);
            if (diff.isEmpty()) {
                return finish(new ReloadResult(id, "unchanged", next.source(), "no change", List.of(), Instant.now()));
            }
            for (String gone : diff.serversRemoved()) {
                adminStates.remove(gone);
                healthy.remove(gone);
            }
            // A server at a new address starts as a new one would: presumed up until checked.
            for (String moved : diff.serversChanged()) {
                String[] parts = moved.split("/", 2);
                ServerConfig was = old.routing().backends().stream().filter(b -> b.name().equals(parts[0]))
                        .findFirst().orElseThrow().server(parts[1]);
                ServerConfig now = compiled.server(parts[0], parts[1]).config();
                if (!was.host().equals(now.host()) || was.port() != now.port()) {
                    healthy.remove(moved);
                }
            }
            // Without checks a server is presumed up, as at start-up: a DOWN carried over would never be lifted.
            for (BackendConfig b : next.routing().backends()) {
                if (!next.health(b.name()).enabled()) {
                    b.servers().forEach(s -> healthy.remove(b.name() + "/" + s.name()));
                }
            }
            for (String backend : old.routing().backends().stream().map(BackendConfig::name).toList()) {
                if (diff.backendsRemoved().contains(backend) || diff.recheck(backend)) {
                    HealthChecker checker = checkers.remove(backend);
                    if (checker != null) {
                        checkersChanged();
                        checker.stop();
                    }
                }
            }
            if (diff.shardPinsChanged()) {
                shardPins.reconfigure(next.shardPins());
            }
            // Stick tables whose settings did not change keep their clients (see RoutingTable#withStickTablesOf).
            RoutingTable table =
                    server.tables().update(t -> withStates(compiled).withStickTablesOf(t).withSlowStartsOf(t));
            List<String> problems = server.reconfigure(next);
            for (BackendConfig b : next.routing().backends()) {
                if (diff.recheck(b.name())) {
                    List<Server> servers = new ArrayList<>();
                    for (ServerConfig s : b.servers()) {
                        boolean up = healthy.getOrDefault(b.name() + "/" + s.name(), true);
                        servers.add(new Server(b.name(), s, up ? ServerState.UP : ServerState.DOWN));
                    }
                    startHealthCheck(next, b, servers);
                }
            }
            if (ops != null) {
                ops.registerServers(table);
            }
            ReloadResult result = new ReloadResult(id, "applied", next.source(), diff.summary(), problems,
                    Instant.now());
            log.info("reload #{} of {} applied in {} ms: {}", id, next.source(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), diff.summary());
            problems.forEach(p -> log.error("reload #{}: {}", id, p));
            warnAbout(next);
            return finish(result);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return finish(new ReloadResult(id, "applied", next.source(), "interrupted while binding listeners",
                    List.of("interrupted"), Instant.now()));
        } finally {
            reshape.unlock();
        }
    }

    private ReloadResult refused(long id, String source, List<String> errors) {
        log.error("reload #{} of {} refused, the running configuration stays in force: {} problem(s)\n  {}", id,
                source, errors.size(), String.join("\n  ", errors));
        return finish(new ReloadResult(id, "refused", source, "", errors, Instant.now()));
    }

    private ReloadResult finish(ReloadResult result) {
        reloadCounter(metrics, result.state()).increment();
        if (result.id() >= lastReload.id()) {
            lastReload = result;
        }
        return result;
    }

    // ---------------------------------------------------------------- accessors

    /** Settings that are valid but likely wrong (a pool idle timeout not below the servers' keep-alive). */
    private static void warnAbout(ProxyConfig config) {
        ConfigLoader.warnings(config).forEach(w -> log.warn("{}: {}", config.source(), w));
    }

    public ProxyServer server() {
        return server;
    }

    public ProxyMetrics metrics() {
        return metrics;
    }

    /** The admin listener's address, or {@code null} when none is configured. */
    public InetSocketAddress adminAddress() {
        return admin == null ? null : admin.localAddress();
    }

    /**
     * Shard keys and the server each was last routed to ({@code uuid-map} rules), kept across reloads. The router
     * asks it for every request a {@code uuid-map} rule routes (see {@link ShardPins}); the admin API lists and
     * releases its pins.
     */
    public ShardPinTable shardPins() {
        return shardPins;
    }

    /** The running health checkers, one per backend with checks enabled. */
    public List<HealthChecker> healthCheckers() {
        return List.copyOf(checkers.values());
    }

    /** Stops the checks, reloads and the admin listener, then the proxy with its drain timeout. */
    public void stop() {
        checkers.values().forEach(HealthChecker::stop);
        synchronized (this) {
            stopped = true;
            if (reloads != null) {
                reloads.shutdownNow();
            }
            if (watcher != null) {
                watcher.shutdownNow();
            }
        }
        if (admin != null) {
            admin.stop().join();
            adminGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        }
        server.stop();
    }
}
