package dev.tether.core.admin;

import dev.tether.core.metrics.ProxyMetrics;
import dev.tether.routing.RoutingTable;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener: a small HTTP/1.1 server of its own, apart from the proxy listeners, serving
 * {@code /metrics} (Prometheus text), the stats page at {@link AdminConfig#statsUri()} and whatever other
 * endpoints are added with {@link #endpoint}.
 *
 * <pre>
 *   ReadTimeout(60 s) -> HttpServerCodec -> HttpObjectAggregator(64 KiB) -> AdminHandler
 *                                                                            | peer in allowed CIDRs? else 403, close
 *                                                                            | basic auth ok?         else 401
 *                                                                            | path -> AdminEndpoint  else 404
 * </pre>
 *
 * <p>Admin requests are small GETs, so aggregating them is fine here (it is not on the proxy path). Endpoints run on
 * the event loop of the group given to the constructor; a scrape renders the registry there, so give the admin
 * server its own one-thread group when scrapes are large.
 */
public final class AdminServer {

    public static final String METRICS_PATH = "/metrics";

    static final int MAX_REQUEST_BYTES = 64 * 1024;
    static final int IDLE_TIMEOUT_SECONDS = 60;

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

    private final AdminConfig config;
    private final ProxyMetrics metrics;
    private final Supplier<RoutingTable> table;
    private final EventLoopGroup group;
    private final List<Cidr> allowed;
    private final Map<String, AdminEndpoint> endpoints = new ConcurrentHashMap<>();
    private final ChannelGroup channels = new DefaultChannelGroup("admin", GlobalEventExecutor.INSTANCE);
    private volatile Channel serverChannel;

    /**
     * @param config where to listen and who may ask
     * @param metrics rendered at {@code /metrics} and on the stats page
     * @param table the current routing table, for endpoints added later (see {@link #table()})
     * @param group event loops to accept and serve on; the server does not shut it down
     */
    public AdminServer(AdminConfig config, ProxyMetrics metrics, Supplier<RoutingTable> table, EventLoopGroup group) {
        this.config = config;
        this.metrics = metrics;
        this.table = table;
        this.group = group;
        this.allowed = config.parsedCidrs();
        endpoints.put(METRICS_PATH, request -> request.isRead()
                ? AdminResponse.of(200, ProxyMetrics.CONTENT_TYPE, metrics.scrape())
                : AdminResponse.onlyGet());
        endpoints.put(config.statsUri(), new StatsPage(metrics, metrics.clock()));
    }

    /**
     * Serves {@code endpoint} at exactly {@code path} (no query), replacing what was there. May be called before or
     * after {@link #start}.
     */
    public AdminServer endpoint(String path, AdminEndpoint endpoint) {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("admin endpoint path = " + path + " (expected a path starting with /)");
        }
        endpoints.put(path, endpoint);
        return this;
    }

    public AdminConfig config() {
        return config;
    }

    public ProxyMetrics metrics() {
        return metrics;
    }

    /** The current routing table, for endpoints that show or change it. */
    public Supplier<RoutingTable> table() {
        return table;
    }

    /** Binds the listener; completes with the bound address (ask it for the port when configured with 0). */
    public CompletableFuture<InetSocketAddress> start() {
        CompletableFuture<InetSocketAddress> result = new CompletableFuture<>();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(serverChannelType(group))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        ChannelPipeline p = ch.pipeline();
                        p.addLast("idle", new ReadTimeoutHandler(IDLE_TIMEOUT_SECONDS));
                        p.addLast("codec", new HttpServerCodec());
                        p.addLast("aggregator", new HttpObjectAggregator(MAX_REQUEST_BYTES));
                        p.addLast("admin", new AdminHandler(allowed, config, endpoints));
                    }
                });
        ChannelFuture bind = bootstrap.bind(config.address(), config.port());
        bind.addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                serverChannel = f.channel();
                InetSocketAddress bound = (InetSocketAddress) f.channel().localAddress();
                log.info("admin listener on {}:{}: {} and {}{}{}", bound.getHostString(), bound.getPort(),
                        METRICS_PATH, config.statsUri(), config.authRequired() ? ", basic auth" : "",
                        allowed.isEmpty() ? "" : ", allowed " + allowed);
                result.complete(bound);
            } else {
                result.completeExceptionally(new IllegalStateException("admin listener: cannot bind "
                        + config.address() + ":" + config.port() + " (admin.address / admin.port): "
                        + f.cause().getMessage(), f.cause()));
            }
        });
        return result;
    }

    /** The bound address, or {@code null} before {@link #start} completed. */
    public InetSocketAddress localAddress() {
        Channel ch = serverChannel;
        return ch == null ? null : (InetSocketAddress) ch.localAddress();
    }

    /**
     * Stops listening and closes every admin connection; completes when they are closed. With NIO the port itself
     * is released at the event loop's next select, a moment later.
     */
    public CompletableFuture<Void> stop() {
        CompletableFuture<Void> result = new CompletableFuture<>();
        Channel ch = serverChannel;
        if (ch == null) {
            channels.close().addListener(f -> result.complete(null));
            return result;
        }
        ch.close().addListener(f -> channels.close().addListener(g -> result.complete(null)));
        return result;
    }

    /** Epoll channels on an epoll group, NIO otherwise: the channel type must match the group's I/O handler. */
    static Class<? extends ServerChannel> serverChannelType(EventLoopGroup group) {
        if (group instanceof IoEventLoopGroup io && io.isIoType(EpollIoHandler.class)) {
            return EpollServerSocketChannel.class;
        }
        return NioServerSocketChannel.class;
    }
}
