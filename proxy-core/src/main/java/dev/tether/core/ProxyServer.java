package dev.tether.core;

import dev.tether.core.backend.BackendConnector;
import dev.tether.core.backend.InFlightCounters;
import dev.tether.core.backend.PinnedSessions;
import dev.tether.core.backend.TrafficObserver;
import dev.tether.core.backend.WaitQueues;
import dev.tether.core.config.ListenerConfig;
import dev.tether.core.config.ProxyConfig;
import dev.tether.core.frontdoor.FrontDoor;
import dev.tether.core.http.ConnectionLimits;
import dev.tether.core.frontend.AcceptPause;
import dev.tether.core.frontend.FrontendHandler;
import dev.tether.core.frontend.FrontendInitializer;
import dev.tether.core.frontend.ListenerContext;
import dev.tether.core.log.ExchangeListener;
import dev.tether.routing.Router;
import dev.tether.routing.ShardPins;
import dev.tether.routing.RoutingTable;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the event loops, binds the listeners and stops gracefully.
 *
 * <p>{@link #start()} and {@link #stop()} block and must be called from a plain thread (main, a test, a signal
 * handler), never from an event loop.
 */
public final class ProxyServer {

    private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

    // Replaced by a reload; new exchanges read it through their ListenerContext.
    private volatile ProxyConfig config;
    private final ExchangeListener events;
    private final Transport transport;
    private final EventLoopGroup acceptGroup;
    private final EventLoopGroup ioGroup;
    private final TableHolder tables;
    private final InFlightCounters inFlight = new InFlightCounters();
    private final BackendConnector connector;
    private final Router router;
    private final ChannelGroup clients = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
    private final Map<String, Channel> listeners = Collections.synchronizedMap(new LinkedHashMap<>());
    private volatile TrafficObserver traffic = TrafficObserver.NONE;
    // By listener name: a reload that closes or rebinds a listener closes its front door (TLS reload thread).
    private final Map<String, FrontDoor> frontDoors = Collections.synchronizedMap(new LinkedHashMap<>());
    private final WaitQueues queues = new WaitQueues();
    private final PinnedSessions sessions = new PinnedSessions();
    private final ConnectionLimits proxyLimits;

    public ProxyServer(ProxyConfig config, ExchangeListener events) {
        this(config, new TableHolder(RoutingTable.compile(config.routing())), events);
    }

    /** A server that routes with {@code tables}, which others (metrics, health, admin) may share. */
    public ProxyServer(ProxyConfig config, TableHolder tables, ExchangeListener events) {
        this(config, tables, events, ShardPins.NONE);
    }

    /**
     * A server that routes with {@code tables} and keeps moved {@code uuid-map} keys on their old server while
     * {@code pins} says so (see docs/operations.md, "Shard-map changes").
     */
    public ProxyServer(ProxyConfig config, TableHolder tables, ExchangeListener events, ShardPins pins) {
        this.config = config;
        this.events = events;
        this.transport = Transport.best();
        this.acceptGroup = transport.newGroup(1, "tether-accept");
        this.ioGroup = transport.newGroup(config.eventLoopThreads(), "tether-io");
        this.tables = tables;
        this.proxyLimits = new ConnectionLimits("proxy", config.maxConnections(), 0, null);
        tables.onChange(queues::wakeAll);
        // Each backend's servers get adjacent in-flight counters before its first request, so least-connections
        // scans them as one run of ints; a reload adds its new servers the same way.
        inFlight.reserve(tables.get());
        tables.onChange(() -> inFlight.reserve(tables.get()));
        this.connector = new BackendConnector(transport, events);
        this.router = new Router(inFlight, System::currentTimeMillis, pins);
    }

    public ProxyServer(ProxyConfig config) {
        this(config, ExchangeListener.NONE);
    }

    /** Binds every listener; throws if one cannot be bound (the others are closed again). */
    public ProxyServer start() throws InterruptedException {
        try {
            for (ListenerConfig l : config.listeners()) {
                listeners.put(l.name(), bind(l));
            }
        } catch (RuntimeException | InterruptedException e) {
            stop(Duration.ZERO);
            throw e;
        }
        log.info("Tether started: {} transport, {} I/O threads, listeners {}", transport,
                config.eventLoopThreads() > 0 ? config.eventLoopThreads() : Runtime.getRuntime().availableProcessors(),
                listeners.values().stream().map(Channel::localAddress).toList());
        return this;
    }

    private Channel bind(ListenerConfig l) throws InterruptedException {
        FrontDoor frontDoor = FrontDoor.start(l.name(), l.frontDoor());
        FrontDoor replaced = frontDoors.put(l.name(), frontDoor);
        if (replaced != null) {
            replaced.close();
        }
        ListenerContext context = new ListenerContext(l, this::config, tables, router, connector, inFlight, events,
                frontDoor, (serverId, outcome) -> traffic.observe(serverId, outcome), queues, sessions);
        ServerBootstrap b = new ServerBootstrap()
                .group(acceptGroup, ioGroup)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(new AcceptPause(l.name(), events))
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new FrontendInitializer(context, clients, new ConnectionLimits("listener " + l.name(),
                        l.maxConnections(), l.maxConnectionsPerClient(), proxyLimits)));
        return b.bind(l.address(), l.port()).sync().channel();
    }

    /**
     * Makes {@code next} the configuration of new exchanges and brings the listeners in line with it: binds the
     * added ones, closes the removed ones gracefully (their connections finish their current exchange, then close),
     * and closes and binds again the ones whose settings changed. Exchanges in progress keep what they read. Call
     * from a plain thread (it binds synchronously); the routing table is swapped separately by the caller.
     *
     * @return a message per listener that could not be bound (the others are applied); empty when all went well
     * @throws InterruptedException if interrupted while binding; listeners bound so far stay bound
     */
    public synchronized List<String> reconfigure(ProxyConfig next) throws InterruptedException {
        ProxyConfig old = config;
        config = next;
        for (ListenerConfig l : old.listeners()) {
            ListenerConfig now = next.listeners().stream().filter(n -> n.name().equals(l.name())).findFirst()
                    .orElse(null);
            if (now == null || !now.equals(l)) {
                Channel ch = listeners.remove(l.name());
                if (ch != null) {
                    closeListener(l.name(), ch);
                }
            }
        }
        List<String> problems = new ArrayList<>();
        for (ListenerConfig l : next.listeners()) {
            if (!listeners.containsKey(l.name())) {
                try {
                    Channel ch = bind(l);
                    listeners.put(l.name(), ch);
                    log.info("listener {} bound on {}", l.name(), ch.localAddress());
                } catch (RuntimeException e) {
                    problems.add("listener " + l.name() + ": cannot bind " + l.address() + ":" + l.port() + ": " + e);
                }
            }
        }
        return problems;
    }

    /** Stops accepting on one listener; its open connections close once their current exchange is done. */
    private void closeListener(String name, Channel ch) {
        ch.close().awaitUninterruptibly();
        int drained = 0;
        for (Channel client : clients) {
            if (client.parent() == ch) {
                client.pipeline().fireUserEventTriggered(FrontendHandler.DRAIN);
                drained++;
            }
        }
        // Connections still open keep working with it; only its certificate reload stops.
        FrontDoor frontDoor = frontDoors.remove(name);
        if (frontDoor != null) {
            frontDoor.close();
        }
        log.info("listener {} on {} closed; {} client connections drain", name, ch.localAddress(), drained);
    }

    /** The address a listener is bound to (its real port when configured with port 0). */
    public InetSocketAddress address(String listenerName) {
        Channel ch = listeners.get(listenerName);
        if (ch == null) {
            throw new IllegalArgumentException("no listener named " + listenerName + " (known: " + listeners.keySet() + ")");
        }
        return (InetSocketAddress) ch.localAddress();
    }

    /** The port of the first listener. */
    public int port() {
        synchronized (listeners) {
            return address(listeners.keySet().iterator().next()).getPort();
        }
    }

    public TableHolder tables() {
        return tables;
    }

    /** Sticky sessions seen per server within its backend's drain-idle-timeout. */
    public PinnedSessions sessions() {
        return sessions;
    }

    public InFlightCounters inFlight() {
        return inFlight;
    }

    public BackendConnector connector() {
        return connector;
    }

    /** Where live traffic outcomes go (the health checkers' passive checks); set once they exist. */
    public void trafficObserver(TrafficObserver observer) {
        this.traffic = observer;
    }

    public Transport transport() {
        return transport;
    }

    public EventLoopGroup ioGroup() {
        return ioGroup;
    }

    public ProxyConfig config() {
        return config;
    }

    /** Stops with the configured drain timeout. */
    public void stop() {
        stop(config.drainTimeout());
    }

    /**
     * Stops accepting, lets exchanges in progress finish for up to {@code drain}, then closes what is left and
     * shuts the event loops down.
     */
    public void stop(Duration drain) {
        List<Channel> bound;
        synchronized (listeners) {
            bound = new ArrayList<>(listeners.values());
            listeners.clear();
        }
        for (Channel ch : bound) {
            ch.close().awaitUninterruptibly();
        }
        // Idle connections close now; busy ones after their current exchange.
        for (Channel ch : clients) {
            ch.pipeline().fireUserEventTriggered(FrontendHandler.DRAIN);
        }
        long deadline = System.nanoTime() + drain.toNanos();
        while (!clients.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!clients.isEmpty() && !drain.isZero()) {
            log.warn("drain timeout {} ran out: closing {} client connections", drain, clients.size());
            clients.close().awaitUninterruptibly();
        }
        synchronized (frontDoors) {
            frontDoors.values().forEach(FrontDoor::close);
        }
        acceptGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        ioGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        log.info("Tether stopped");
    }
}
