package dev.tether.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.cookie.ClientCookieDecoder;
import io.netty.handler.codec.http.cookie.ClientCookieEncoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.nio.charset.StandardCharsets;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tether's own HTTP/1.1 load generator: open loop at a fixed rate, N cookie-carrying sessions, HdrHistogram
 * latencies, sticky-session checks. For what wrk cannot say: latency at the <em>same offered load</em> for every
 * contestant, and whether sessions stay on their server.
 *
 * <p>How it schedules. Request {@code i} of the run is due at {@code start + i / rate} and belongs to session
 * {@code i mod N}. Each session has one keep-alive connection and its own event loop; every millisecond the loop
 * queues the session's due requests with their intended start times and sends the next when the connection is
 * free. Latency is measured from the intended start, so when a server stalls the queued requests' waiting time is
 * counted, instead of the generator quietly slowing down (coordinated omission, as wrk2 avoids it).
 *
 * <pre>
 *   clock ──due──▶ session queue ──one at a time──▶ connection ──▶ proxy
 *                      ▲                                              │
 *                      └──── response complete: record(now − intended), send next
 * </pre>
 *
 * <p>Sticky check: a session keeps the cookies servers set. A response from another {@code X-Backend-Id} than the
 * session's previous response, to a request that carried the sticky cookie, while the previous server is up
 * according to {@link Options#serverUp}, is a violation. Limits: one request in flight per session (no pipelining),
 * so the rate a run can reach is bounded by {@code sessions / latency}; rates beyond that show as queueing latency.
 *
 * <p>Websocket mode ({@code ws://} URL): each session upgrades its connection once, then sends a small text frame
 * at each due time and counts the echo as the response; latency is the echo round trip from the intended start.
 * The server of a session is the {@code X-Backend-Id} of its handshake response.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar dev.tether.bench.load.LoadHarness --url
 * http://127.0.0.1:8080/small --rate 5000 --sessions 200 --duration 10 --cookie SRV}. Prints a human summary on
 * stderr and one {@code BENCH} line on stdout.
 */
public final class LoadHarness {

    private static final Logger log = LoggerFactory.getLogger(LoadHarness.class);

    /** Requests a session may have waiting; beyond that the rate is hopeless and the run would only grow memory. */
    static final int MAX_QUEUE = 100_000;

    private static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);
    private static final long CONNECT_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final byte[] WS_PAYLOAD = "tether-bench-echo".getBytes(StandardCharsets.US_ASCII);

    /**
     * @param url target, {@code http://} or (websocket echo) {@code ws://} on a loopback address
     * @param rate requests per second, 1..1 000 000
     * @param sessions concurrent sessions, one connection each
     * @param duration how long to offer load, at most 10 minutes
     * @param cookieName the sticky cookie to check, or {@code null} to check nothing
     * @param threads event loops
     * @param drain how long to wait for outstanding requests after the last one was due
     * @param churn chance, after each response, that a session forgets its cookies (a new user), 0..1
     * @param serverUp whether a server, by {@code X-Backend-Id}, is up; a move away from a down server is fine
     * @param warmup load offered at the same rate before the measured {@code duration}, not counted: JIT, class
     *     loading and connection setup of the generator itself would otherwise show as the proxy's latency
     */
    public record Options(
            URI url,
            int rate,
            int sessions,
            Duration duration,
            String cookieName,
            int threads,
            Duration drain,
            double churn,
            Predicate<String> serverUp,
            Duration warmup) {

        public Options {
            if (!("http".equals(url.getScheme()) || "ws".equals(url.getScheme())) || url.getHost() == null) {
                throw new IllegalArgumentException(
                        "url = " + url + " (expected http://127.0.0.1:PORT/path or ws://127.0.0.1:PORT/path)");
            }
            if (!isLoopback(url.getHost())) {
                throw new IllegalArgumentException("url = " + url + " (only loopback addresses are allowed)");
            }
            if (rate < 1 || rate > 1_000_000) {
                throw new IllegalArgumentException("rate = " + rate + " (expected 1..1000000)");
            }
            if (sessions < 1 || sessions > 100_000) {
                throw new IllegalArgumentException("sessions = " + sessions + " (expected 1..100000)");
            }
            if (duration.isNegative() || duration.isZero() || duration.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("duration = " + duration + " (expected > 0 and <= 10 minutes)");
            }
            if (threads < 1 || threads > 64) {
                throw new IllegalArgumentException("threads = " + threads + " (expected 1..64)");
            }
            if (drain.isNegative() || drain.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("drain = " + drain + " (expected 0..1 minute)");
            }
            if (warmup.isNegative() || warmup.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("warmup = " + warmup + " (expected 0..1 minute)");
            }
            if (churn < 0 || churn > 1) {
                throw new IllegalArgumentException("churn = " + churn + " (expected 0..1)");
            }
        }

        public boolean websocket() {
            return "ws".equals(url.getScheme());
        }

        public static Options of(URI url, int rate, int sessions, Duration duration) {
            return new Options(url, rate, sessions, duration, null, 1, Duration.ofSeconds(5), 0, id -> true,
                    Duration.ZERO);
        }

        public Options withCookie(String name) {
            return new Options(url, rate, sessions, duration, name, threads, drain, churn, serverUp, warmup);
        }

        public Options withThreads(int n) {
            return new Options(url, rate, sessions, duration, cookieName, n, drain, churn, serverUp, warmup);
        }

        public Options withChurn(double p) {
            return new Options(url, rate, sessions, duration, cookieName, threads, drain, p, serverUp, warmup);
        }

        public Options withWarmup(Duration d) {
            return new Options(url, rate, sessions, duration, cookieName, threads, drain, churn, serverUp, d);
        }

        public Options withServerUp(Predicate<String> up) {
            return new Options(url, rate, sessions, duration, cookieName, threads, drain, churn, up, warmup);
        }

        private static boolean isLoopback(String host) {
            try {
                return InetAddress.getByName(host).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
    }

    private LoadHarness() {}

    /** Runs the load and blocks until it is over: at most duration + drain + 10 s. */
    public static LoadReport run(Options options) throws InterruptedException {
        IoHandlerFactory io = Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends SocketChannel> channelType =
                Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(options.threads(), io);
        try {
            InetSocketAddress address = new InetSocketAddress(options.url().getHost(), port(options.url()));
            CountDownLatch done = new CountDownLatch(options.threads());
            List<Loop> loops = new ArrayList<>();
            for (int t = 0; t < options.threads(); t++) {
                loops.add(new Loop(group.next(), options, done));
            }
            for (int k = 0; k < options.sessions(); k++) {
                Loop loop = loops.get(k % loops.size());
                loop.sessions.add(new Session(loop, k, address, channelType));
            }
            // Connect every session first, so connection setup is not counted as latency. A failure here is
            // retried, and counted, during the run.
            List<ChannelFuture> connects = new ArrayList<>();
            for (Loop loop : loops) {
                for (Session s : loop.sessions) {
                    connects.add(loop.executor.submit(s::connect).get(5, TimeUnit.SECONDS));
                }
            }
            for (ChannelFuture f : connects) {
                f.await(5, TimeUnit.SECONDS);
            }
            // Everyone starts together, a little ahead.
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
            long measureFrom = start + options.warmup().toNanos();
            long end = measureFrom + options.duration().toNanos();
            for (Loop loop : loops) {
                loop.begin(start, measureFrom, end);
            }
            long waitNanos = end - System.nanoTime() + options.drain().toNanos() + TimeUnit.SECONDS.toNanos(10);
            if (!done.await(waitNanos, TimeUnit.NANOSECONDS)) {
                log.warn("load loops did not finish within the run time plus drain; reporting what they have");
            }
            return merge(loops, measureFrom);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("could not start the sessions' connections", e);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static int port(URI url) {
        return url.getPort() > 0 ? url.getPort() : 80;
    }

    private static LoadReport merge(List<Loop> loops, long start) throws InterruptedException {
        Histogram all = new Histogram(HIGHEST_MICROS, 3);
        long offered = 0, completed = 0, connect = 0, status = 0, reset = 0, unfinished = 0, violations = 0;
        long sticky = 0;
        long finishedAt = start;
        Map<String, Long> perBackend = new HashMap<>();
        for (Loop loop : loops) {
            try {
                // Read each loop's counters on its own thread: they are plain fields.
                loop.executor.submit(() -> {}).get(5, TimeUnit.SECONDS);
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                log.warn("could not reach a load loop to read its counters: {}", e.toString());
            }
            synchronized (loop) {
                all.add(loop.histogram);
                offered += loop.offered;
                completed += loop.completed;
                connect += loop.connectErrors;
                status += loop.statusErrors;
                reset += loop.resetErrors;
                unfinished += loop.unfinished;
                violations += loop.violations;
                sticky += loop.sticky;
                finishedAt = Math.max(finishedAt, loop.finishedAt);
                loop.perBackend.forEach((k, v) -> perBackend.merge(k, v, Long::sum));
            }
        }
        boolean any = all.getTotalCount() > 0;
        return new LoadReport(offered, completed, connect, status, reset, unfinished, violations, sticky, perBackend,
                finishedAt - start,
                any ? all.getValueAtPercentile(50) : 0,
                any ? all.getValueAtPercentile(99) : 0,
                any ? all.getValueAtPercentile(99.9) : 0,
                any ? all.getMaxValue() : 0);
    }

    /** The state of one event loop's sessions. Touched only on that loop's thread, then read under its monitor. */
    private static final class Loop {
        final EventLoop executor;
        final Options options;
        long start;
        long measureFrom;
        long end;
        final double periodNanos;
        final CountDownLatch done;
        final List<Session> sessions = new ArrayList<>();
        final Histogram histogram = new Histogram(HIGHEST_MICROS, 3);
        final Map<String, Long> perBackend = new HashMap<>();
        long offered, completed, connectErrors, statusErrors, resetErrors, unfinished, violations, sticky;
        long finishedAt;
        ScheduledFuture<?> ticker;
        boolean finished;

        Loop(EventLoop executor, Options options, CountDownLatch done) {
            this.executor = executor;
            this.options = options;
            this.periodNanos = 1e9 / options.rate();
            this.done = done;
        }

        synchronized void begin(long startNanos, long measureFromNanos, long endNanos) {
            start = startNanos;
            measureFrom = measureFromNanos;
            end = endNanos;
            long delay = Math.max(0, start - System.nanoTime());
            ticker = executor.scheduleAtFixedRate(this::tick, delay, TimeUnit.MILLISECONDS.toNanos(1),
                    TimeUnit.NANOSECONDS);
        }

        synchronized void tick() {
            if (finished) {
                return;
            }
            long now = System.nanoTime();
            boolean idle = true;
            for (Session s : sessions) {
                s.enqueueDue(now);
                s.trySend(now);
                idle &= s.idle();
            }
            if (now >= end && (idle || now >= end + options.drain().toNanos())) {
                finish(now);
            }
        }

        /** Whether a request due at {@code intended} counts, or belongs to the warm-up. */
        boolean measured(long intended) {
            return intended >= measureFrom;
        }

        void record(long latencyNanos) {
            histogram.recordValue(Math.min(HIGHEST_MICROS, Math.max(1, latencyNanos / 1000)));
        }

        private void finish(long now) {
            finished = true;
            finishedAt = now;
            ticker.cancel(false);
            for (Session s : sessions) {
                s.abandon(now);
            }
            done.countDown();
        }
    }

    /** One user: a cookie jar, a queue of due requests and at most one connection with one request in flight. */
    private static final class Session {
        final Loop loop;
        final InetSocketAddress address;
        final Bootstrap bootstrap;
        final ArrayDeque<Long> pending = new ArrayDeque<>();
        final Map<String, String> cookies = new LinkedHashMap<>();
        final String hostHeader;
        long nextSeq;
        Channel channel;
        boolean connecting;
        long connectNotBefore;
        long inFlightIntended = -1;
        boolean sentSticky;
        int status;
        String backend;
        boolean keepAlive;
        String lastBackend;

        Session(Loop loop, int index, InetSocketAddress address, Class<? extends SocketChannel> channelType) {
            this.loop = loop;
            this.address = address;
            this.nextSeq = index;
            this.hostHeader = address.getHostString() + ":" + address.getPort();
            this.bootstrap = new Bootstrap()
                    .group(loop.executor)
                    .channel(channelType)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (loop.options.websocket()) {
                                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(8192),
                                        new EchoHandler(Session.this, handshaker()));
                            } else {
                                ch.pipeline().addLast(new HttpClientCodec(), new ResponseHandler(Session.this));
                            }
                        }
                    });
        }

        private WebSocketClientHandshaker handshaker() {
            HttpHeaders headers = new DefaultHttpHeaders();
            if (!cookies.isEmpty()) {
                headers.set(HttpHeaderNames.COOKIE, cookieHeader());
            }
            return WebSocketClientHandshakerFactory.newHandshaker(
                    loop.options.url(), WebSocketVersion.V13, null, false, headers);
        }

        private String cookieHeader() {
            List<Cookie> jar = new ArrayList<>(cookies.size());
            cookies.forEach((n, v) -> jar.add(new DefaultCookie(n, v)));
            return ClientCookieEncoder.LAX.encode(jar);
        }

        void enqueueDue(long now) {
            while (true) {
                long intended = loop.start + (long) (nextSeq * loop.periodNanos);
                if (intended > now || intended >= loop.end) {
                    return;
                }
                nextSeq += loop.options.sessions();
                boolean measured = loop.measured(intended);
                if (measured) {
                    loop.offered++;
                }
                if (pending.size() >= MAX_QUEUE) {
                    if (measured) {
                        loop.unfinished++;
                    }
                } else {
                    pending.add(intended);
                }
            }
        }

        boolean idle() {
            return inFlightIntended < 0 && pending.isEmpty();
        }

        void trySend(long now) {
            if (inFlightIntended >= 0 || pending.isEmpty()) {
                return;
            }
            if (channel == null) {
                if (!connecting && now >= connectNotBefore) {
                    connect();
                }
                return;
            }
            inFlightIntended = pending.poll();
            status = 0;
            if (loop.options.websocket()) {
                channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(WS_PAYLOAD)), channel.voidPromise());
                return;
            }
            FullHttpRequest request = new DefaultFullHttpRequest(
                    HttpVersion.HTTP_1_1, HttpMethod.GET, loop.options.url().getRawPath().isEmpty() ? "/"
                            : loop.options.url().getRawPath(), Unpooled.EMPTY_BUFFER);
            request.headers().set(HttpHeaderNames.HOST, hostHeader);
            if (!cookies.isEmpty()) {
                request.headers().set(HttpHeaderNames.COOKIE, cookieHeader());
            }
            sentSticky = loop.options.cookieName() != null && cookies.containsKey(loop.options.cookieName());
            backend = null;
            channel.writeAndFlush(request, channel.voidPromise());
        }

        ChannelFuture connect() {
            connecting = true;
            ChannelFuture connect = bootstrap.connect(address);
            connect.addListener((ChannelFuture f) -> {
                connecting = false;
                if (loop.finished) {
                    f.channel().close();
                    return;
                }
                if (f.isSuccess() && loop.options.websocket()) {
                    connecting = true; // until the handshake is done
                } else if (f.isSuccess()) {
                    channel = f.channel();
                    trySend(System.nanoTime());
                } else {
                    connectFailed();
                }
            });
            return connect;
        }

        private void connectFailed() {
            // Every queued request is already due and has nowhere to go.
            for (long intended : pending) {
                if (loop.measured(intended)) {
                    loop.connectErrors++;
                }
            }
            pending.clear();
            connectNotBefore = System.nanoTime() + CONNECT_BACKOFF_NANOS;
        }

        void onHandshakeDone(Channel ch, FullHttpResponse response) {
            connecting = false;
            if (loop.finished) {
                ch.close();
                return;
            }
            onResponseHead(response);
            keepAlive = true;
            channel = ch;
            trySend(System.nanoTime());
        }

        void onHandshakeFailed(Channel ch) {
            connecting = false;
            ch.close();
            connectFailed();
        }

        void onEcho(Channel ch) {
            status = 200;
            onResponseEnd(ch);
        }

        void onResponseHead(HttpResponse response) {
            status = response.status().code();
            backend = response.headers().get("X-Backend-Id");
            keepAlive = HttpUtil.isKeepAlive(response);
            for (String header : response.headers().getAll(HttpHeaderNames.SET_COOKIE)) {
                Cookie c = ClientCookieDecoder.LAX.decode(header);
                if (c == null) {
                    continue;
                }
                if (c.maxAge() == 0) {
                    cookies.remove(c.name());
                } else {
                    cookies.put(c.name(), c.value());
                }
            }
        }

        void onResponseEnd(Channel ch) {
            if (ch != channel || inFlightIntended < 0) {
                return;
            }
            long now = System.nanoTime();
            boolean measured = loop.measured(inFlightIntended);
            if (measured) {
                loop.record(now - inFlightIntended);
                loop.completed++;
                if (sentSticky) {
                    loop.sticky++;
                }
                if (status >= 400) {
                    loop.statusErrors++;
                }
            }
            inFlightIntended = -1;
            if (loop.options.websocket()) {
                // backend is the handshake's; frames carry no headers and stickiness is per connection
                if (measured && backend != null) {
                    loop.perBackend.merge(backend, 1L, Long::sum);
                }
            } else if (backend != null) {
                if (measured) {
                    loop.perBackend.merge(backend, 1L, Long::sum);
                }
                if (sentSticky && lastBackend != null && !backend.equals(lastBackend)
                        && loop.options.serverUp().test(lastBackend)) {
                    loop.violations++;
                }
                lastBackend = backend;
            }
            if (loop.options.churn() > 0 && ThreadLocalRandom.current().nextDouble() < loop.options.churn()) {
                cookies.clear();
                lastBackend = null;
            }
            if (!keepAlive) {
                channel = null;
                ch.close();
            }
            if (!loop.finished) {
                trySend(now);
            }
        }

        void onClosed(Channel ch) {
            if (ch != channel) {
                return;
            }
            channel = null;
            if (inFlightIntended >= 0) {
                if (loop.measured(inFlightIntended)) {
                    loop.resetErrors++;
                }
                inFlightIntended = -1;
            }
        }

        /** The run is over: what is still queued or in flight counts as unfinished, with the time it waited. */
        void abandon(long now) {
            if (inFlightIntended >= 0 && loop.measured(inFlightIntended)) {
                loop.unfinished++;
                loop.record(now - inFlightIntended);
            }
            inFlightIntended = -1;
            for (long intended : pending) {
                if (loop.measured(intended)) {
                    loop.unfinished++;
                    loop.record(now - intended);
                }
            }
            pending.clear();
            if (channel != null) {
                Channel ch = channel;
                channel = null;
                ch.close();
            }
        }
    }

    /** Websocket mode: performs the upgrade, then reports each echoed data frame as a completed request. */
    private static final class EchoHandler extends SimpleChannelInboundHandler<Object> {
        private final Session session;
        private final WebSocketClientHandshaker handshaker;

        EchoHandler(Session session, WebSocketClientHandshaker handshaker) {
            this.session = session;
            this.handshaker = handshaker;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            handshaker.handshake(ctx.channel());
            ctx.fireChannelActive();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            synchronized (session.loop) {
                if (!handshaker.isHandshakeComplete() && msg instanceof FullHttpResponse response) {
                    try {
                        handshaker.finishHandshake(ctx.channel(), response);
                        session.onHandshakeDone(ctx.channel(), response);
                    } catch (RuntimeException e) {
                        log.debug("websocket handshake failed on {}: {}", ctx.channel(), e.toString());
                        session.onHandshakeFailed(ctx.channel());
                    }
                } else if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) {
                    session.onEcho(ctx.channel());
                } else if (msg instanceof CloseWebSocketFrame) {
                    ctx.close();
                } else if (!(msg instanceof WebSocketFrame)) {
                    ctx.close();
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            synchronized (session.loop) {
                if (handshaker.isHandshakeComplete()) {
                    session.onClosed(ctx.channel());
                } else if (session.connecting) {
                    session.onHandshakeFailed(ctx.channel());
                }
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static final class ResponseHandler extends SimpleChannelInboundHandler<HttpObject> {
        private final Session session;

        ResponseHandler(Session session) {
            this.session = session;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            synchronized (session.loop) {
                if (msg instanceof HttpResponse response) {
                    session.onResponseHead(response);
                }
                if (msg instanceof LastHttpContent) {
                    session.onResponseEnd(ctx.channel());
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            synchronized (session.loop) {
                session.onClosed(ctx.channel());
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                System.err.println("LoadHarness: expected --key value pairs, got '" + args[i] + "'");
                System.exit(2);
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
        if (!opts.containsKey("url")) {
            System.err.println("usage: LoadHarness --url http://127.0.0.1:PORT/path [--rate 5000] [--sessions 200]"
                    + " [--duration SECONDS] [--warmup 1] [--cookie NAME] [--threads 1] [--churn 0.0] [--drain 5]");
            System.exit(2);
        }
        Options options = new Options(
                URI.create(opts.get("url")),
                Integer.parseInt(opts.getOrDefault("rate", "5000")),
                Integer.parseInt(opts.getOrDefault("sessions", "200")),
                Duration.ofMillis((long) (Double.parseDouble(strip(opts.getOrDefault("duration", "10"))) * 1000)),
                opts.get("cookie"),
                Integer.parseInt(opts.getOrDefault("threads", "1")),
                Duration.ofMillis((long) (Double.parseDouble(strip(opts.getOrDefault("drain", "5"))) * 1000)),
                Double.parseDouble(opts.getOrDefault("churn", "0")),
                id -> true,
                Duration.ofMillis((long) (Double.parseDouble(strip(opts.getOrDefault("warmup", "1"))) * 1000)));
        LoadReport report = run(options);
        System.err.println(report.summary());
        System.out.println(report.benchLine());
    }

    private static String strip(String seconds) {
        return seconds.endsWith("s") ? seconds.substring(0, seconds.length() - 1) : seconds;
    }
}
