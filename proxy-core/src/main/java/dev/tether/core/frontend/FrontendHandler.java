package dev.tether.core.frontend;

import dev.tether.core.backend.BackendConnection;
import dev.tether.core.backend.BackendConnector;
import dev.tether.core.backend.BackendListener;
import dev.tether.core.backend.InFlightCounters;
import dev.tether.core.backend.NettyFailures;
import dev.tether.core.config.BackendTimeouts;
import dev.tether.core.frontdoor.ClientAddress;
import dev.tether.core.http.ErrorResponses;
import dev.tether.core.http.HeaderRewriter;
import dev.tether.core.http.RequestValidator;
import dev.tether.core.log.ExchangeRecord;
import dev.tether.core.log.TerminationState;
import dev.tether.core.tunnel.Tunnel;
import dev.tether.core.tunnel.WebSocketUpgrade;
import dev.tether.health.TrafficOutcome;
import dev.tether.routing.CookieAction;
import dev.tether.routing.Reason;
import dev.tether.routing.RouteDecision;
import dev.tether.routing.RoutingTable;
import dev.tether.routing.config.BackendConfig;
import dev.tether.routing.model.Server;
import dev.tether.routing.redispatch.Attempt;
import dev.tether.routing.redispatch.AttemptHistory;
import dev.tether.routing.redispatch.ExchangeFacts;
import dev.tether.routing.redispatch.FailureKind;
import dev.tether.routing.redispatch.RedispatchDecision;
import dev.tether.routing.redispatch.RedispatchPolicy;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: reads requests, asks the router, forwards each to a server connection on the same
 * event loop, and relays the response back, one exchange at a time (pipelined requests wait their turn).
 *
 * <pre>
 *  client --read--> [HttpServerCodec] --> FrontendHandler --write--> [HttpClientCodec] --> server
 *         <-write--                   <--  (BackendListener) <--read--
 *
 *  Backpressure: AUTO_READ is off on both channels.
 *   - the client is read only while the request body is still coming and the server channel is writable;
 *   - the server is read only while the client channel is writable.
 *  So at most one read batch plus the write-buffer high-water mark is ever held per direction.
 * </pre>
 *
 * <p>Each phase has one timer: idle keep-alive, request head (whole-head deadline), request body (client
 * inactivity), waiting for the server (server timeout), and a slow-reading client. A request either reaches
 * exactly one server or the client gets a definite status (400, 408, 413, 414, 431, 502, 503, 504); once a
 * response has started, a failure aborts the client connection so a cut transfer never looks complete.
 */
public final class FrontendHandler extends ChannelInboundHandlerAdapter implements BackendListener {

    private static final Logger log = LoggerFactory.getLogger(FrontendHandler.class);

    /** Fired on a client pipeline when the proxy stops: close when idle, or after the current exchange. */
    public static final Object DRAIN = new Object();

    private enum Phase {
        NONE,
        IDLE,
        REQUEST_HEAD,
        REQUEST_BODY,
        QUEUE,
        SERVER,
        CLIENT_WRITE
    }

    private static final long LINGER_MILLIS = 2000;

    private final ListenerContext context;
    private ChannelHandlerContext ctx;
    private final ArrayDeque<Object> pending = new ArrayDeque<>();
    private boolean closing;
    private boolean lingering;
    private boolean lingerOnClose;

    private Phase phase = Phase.NONE;
    private long timeoutNanos;
    private long deadlineNanos;
    private ScheduledFuture<?> timer;
    private long timerAtNanos;
    // The clock of the event being handled, see now().
    private int eventDepth;
    private boolean eventClockRead;
    private long eventNanos;

    // The exchange in progress; request == null when idle.
    private HttpRequest request;
    private String method;
    private String uri;
    private HttpVersion clientVersion;
    private boolean clientKeepAlive;
    private boolean headRequest;
    private boolean requestHasBody;
    private boolean expectContinue;
    private boolean continueRelayed;
    private String webSocketKey;
    private ClientAddress client;
    private ClientAddress peerClient;
    private InetAddress peerAddress;
    private String peerText;
    private long startNanos;
    private long startMillis;
    /** When the first byte of the next request head arrived, if {@link #headStarted}: the start of Tq. */
    private long headStartNanos;
    private boolean headStarted;
    /** Tq of the current exchange: first byte of the head to the complete head, -1 when not seen. */
    private long requestReadNanos = -1;
    private RoutingTable table;
    private NettyRequestView view;
    private RouteDecision.Forward decision;
    private BackendTimeouts timeouts;
    private final ArrayDeque<HttpContent> body = new ArrayDeque<>();
    private boolean requestComplete;
    private boolean requestSent;
    private boolean requestBytesWritten;
    private long bytesIn;
    private BackendConnection backend;
    /**
     * The connection a body-less request's head waits to be written on: the decoder's end of the request follows
     * in the same read, and the two go out as one message (see {@link #writeToServer}); or {@code null}.
     */
    private BackendConnection requestHeldOn;
    private boolean connecting;
    private int attempts;
    private AttemptHistory history;
    private boolean backendReset;
    private InFlightCounters.Counter inFlight;
    private Server inFlightServer;
    private long exchangeSeq;
    private boolean queued;
    private String queuedBackend;
    private long queuedAtNanos;
    private long queueNanos = -1;
    private boolean responseStarted;
    private boolean responseDone;
    private boolean skipInformational;
    private boolean bodyWithheld;
    private boolean backendReusable;
    private boolean closeClient;
    private boolean cookieSet;
    private int status = -1;
    private long bytesOut;
    private long connectStartNanos;
    private long connectNanos = -1;
    private long responseNanos = -1;
    private String reason;
    private HttpResponse upgradeTo;
    /**
     * A final response head not yet written: it waits for the content that follows it in the same read, so that a
     * small response goes out as one message (the encoder then puts head and body in one buffer, one send instead of
     * writev). Written alone at the end of the read at the latest, so a streamed body is never held back.
     */
    private HttpResponse heldHead;
    private TerminationState termination = TerminationState.NORMAL;

    public FrontendHandler(ListenerContext context) {
        this.context = context;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        context.events().clientConnectionOpened(context.listener().name());
        arm(Phase.IDLE, context.listener().httpRequestTimeout());
        ctx.read();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        context.events().clientConnectionClosed(context.listener().name());
        cancelTimer();
        if (request != null) {
            TerminationState t = responseStarted ? TerminationState.CLIENT_ABORT_DATA : TerminationState.CLIENT_ABORT_REQUEST;
            abortExchange(t);
        }
        releasePending();
    }

    /** Called by {@link ClientReadTracker} for every read from the socket, before decoding. */
    void onClientBytes() {
        if (phase == Phase.IDLE && request == null) {
            // First byte of a new request: the whole head must now arrive within http-request-timeout.
            arm(Phase.REQUEST_HEAD, context.listener().httpRequestTimeout());
            headStartNanos = deadlineNanos - timeoutNanos; // the time arm() just read
            headStarted = true;
        } else if (phase == Phase.REQUEST_BODY) {
            touch();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (lingering) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!pending.isEmpty()) {
            pending.add(msg);
        } else {
            dispatch(msg);
        }
    }

    private void dispatch(Object msg) {
        if (request != null) {
            if (!(msg instanceof HttpRequest) && msg instanceof HttpContent content && !requestComplete) {
                onRequestContent(content);
            } else {
                pending.add(msg);
            }
        } else if (msg instanceof HttpRequest head) {
            startExchange(head);
        } else {
            // Body of a request that was already answered and whose connection is closing.
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        writeHeldRequest();
        if (backend != null && !requestSent) {
            // Body chunks written in this read; a request sent whole was flushed already (onRequestSent).
            backend.channel().flush();
        }
        readClientIfWanted();
    }

    private void readClientIfWanted() {
        if (!ctx.channel().isActive()) {
            return;
        }
        if (request == null) {
            if (pending.isEmpty() && !closing) {
                ctx.read();
            }
        } else if (!requestComplete && backend != null && !connecting && backend.channel().isWritable()) {
            ctx.read();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (request != null && backend != null && responseStarted && !responseDone) {
            if (ctx.channel().isWritable()) {
                if (phase == Phase.CLIENT_WRITE) {
                    arm(Phase.SERVER, timeouts.server());
                }
                backend.channel().read();
            } else {
                arm(Phase.CLIENT_WRITE, context.listener().clientTimeout());
            }
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof RequestValidator.Answered answered) {
            if (request != null) {
                status = answered.status();
                reason = answered.reason();
                abortExchange(TerminationState.PROXY_REJECT_REQUEST);
            }
            return;
        }
        if (evt == DRAIN) {
            closing = true;
            if (request == null) {
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("[{}] client connection error: {}", ctx.channel().id(), cause.toString());
        ctx.close();
    }

    // ---------------------------------------------------------------- request side

    private void startExchange(HttpRequest head) {
        request = head;
        method = head.method().name();
        uri = head.uri();
        clientVersion = head.protocolVersion();
        clientKeepAlive = HttpUtil.isKeepAlive(head) && !closing;
        headRequest = HttpMethod.HEAD.equals(head.method());
        startNanos = now();
        startMillis = System.currentTimeMillis();
        requestReadNanos = headStarted ? Math.max(0, startNanos - headStartNanos) : -1;
        headStarted = false;
        requestComplete = false;

        DecoderResult result = head.decoderResult();
        if (result.isFailure()) {
            Throwable cause = result.cause();
            int code = cause instanceof TooLongHttpLineException ? 414
                    : cause instanceof TooLongHttpHeaderException ? 431 : 400;
            requestComplete = true;
            clientVersion = HttpVersion.HTTP_1_1; // what the decoder made of a broken request line means nothing
            if (head instanceof HttpContent c) {
                c.release();
            }
            respondLocally(code, "the request could not be read: " + cause.getMessage(), "BAD_REQUEST",
                    TerminationState.PROXY_REJECT_REQUEST, true);
            return;
        }
        HttpHeaders headers = head.headers();
        if (clientVersion.equals(HttpVersion.HTTP_1_1) && !headers.contains(HttpHeaderNames.HOST)) {
            respondLocally(400, "an HTTP/1.1 request needs a Host header", "BAD_REQUEST",
                    TerminationState.PROXY_REJECT_REQUEST, true);
            return;
        }
        if (HttpMethod.CONNECT.equals(head.method())) {
            respondLocally(501, "CONNECT is not supported", "METHOD_NOT_SUPPORTED", TerminationState.PROXY_LOCAL,
                    true);
            return;
        }
        if (WebSocketUpgrade.isWebSocketRequest(head)) {
            String problem = WebSocketUpgrade.validateRequest(head);
            if (problem != null) {
                respondLocally(400, problem, "BAD_REQUEST", TerminationState.PROXY_REJECT_REQUEST, true);
                return;
            }
            webSocketKey = headers.get(HttpHeaderNames.SEC_WEBSOCKET_KEY);
        }
        if (unsupportedExpectation(head)) {
            respondLocally(417, "only Expect: 100-continue is supported", "BAD_REQUEST",
                    TerminationState.PROXY_REJECT_REQUEST, true);
            return;
        }
        boolean chunked = HttpUtil.isTransferEncodingChunked(head);
        long contentLength = HttpUtil.getContentLength(head, -1L);
        requestHasBody = chunked || contentLength > 0;
        // HTTP/1.1 only (is100ContinueExpected checks), and only with a body: there is nothing to wait for otherwise.
        expectContinue = requestHasBody && HttpUtil.is100ContinueExpected(head);
        if (contentLength > context.listener().maxBodyBytes()) {
            respondLocally(413, "the request body is larger than " + context.listener().maxBodyBytes() + " bytes",
                    "BODY_TOO_LARGE", TerminationState.PROXY_REJECT_REQUEST, true);
            return;
        }
        client = resolveClient(headers);
        view = new NettyRequestView(head, clientAddress());
        prepareForwardHead(head, chunked, contentLength);
        history = AttemptHistory.EMPTY;
        attempts = 0;
        routeOrWait();
    }

    /** An HTTP/1.1 Expect header other than {@code 100-continue}, the only expectation defined (RFC 9110). */
    private static boolean unsupportedExpectation(HttpRequest head) {
        if (head.protocolVersion().compareTo(HttpVersion.HTTP_1_1) < 0) {
            return false; // an HTTP/1.0 expectation is ignored
        }
        for (String value : head.headers().getAll(HttpHeaderNames.EXPECT)) {
            if (!HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(value.trim())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Routes the request and connects, or parks it in the backend's queue when no server is usable or the chosen
     * server is at its {@code max-conn}; it is routed again when a slot frees or a server changes state, and gets
     * 503 when {@code timeout queue} runs out first.
     */
    private void routeOrWait() {
        table = context.tables().get();
        RouteDecision d = context.router().route(view, table);
        if (d instanceof RouteDecision.Reject reject) {
            String backendName = backendOf(reject.rule());
            if (reject.reason() == Reason.NO_SERVER_UP && backendName != null) {
                waitInQueue(backendName);
                return;
            }
            leaveQueue();
            respondLocally(reject.status(), reject.message(), reject.reason().name(),
                    reject.status() == 503 ? TerminationState.SERVER_CONNECT : TerminationState.PROXY_LOCAL,
                    requestHasBody);
            return;
        }
        RouteDecision.Forward f = (RouteDecision.Forward) d;
        if (!tryAcquireSlot(f.server())) {
            waitInQueue(f.server().backend());
            return;
        }
        leaveQueue();
        decision = f;
        context.sessions().record(f, view, table);
        timeouts = context.config().timeouts(decision.server().backend());
        if (f.stripCookie()) {
            HeaderRewriter.edit(request.headers(), HttpHeaderNames.COOKIE,
                    table.cookies(f.server().backend())::forwardedCookieHeader);
        }
        if (requestHasBody && !awaitingContinue()) {
            arm(Phase.REQUEST_BODY, context.listener().clientTimeout());
        } else {
            // Waiting for the server's 100 is the server's time, counted from the connection (see onConnected).
            arm(Phase.NONE, null);
        }
        connect(false);
    }

    /** The backend a rule sends to ({@code default} is the default backend), or {@code null}. */
    private String backendOf(String rule) {
        for (var route : table.config().routes()) {
            if (route.name().equals(rule)) {
                return route.backend();
            }
        }
        return table.config().defaultBackend();
    }

    private void waitInQueue(String backendName) {
        BackendTimeouts t = context.config().timeouts(backendName);
        if (t.queue().isZero()) {
            respondLocally(503, "no server is available", Reason.NO_SERVER_UP.name(),
                    TerminationState.SERVER_CONNECT, requestHasBody);
            return;
        }
        if (!queued) {
            queued = true;
            queuedBackend = backendName;
            queuedAtNanos = now();
            context.events().queued(backendName);
            arm(Phase.QUEUE, t.queue());
        }
        long exchange = exchangeSeq;
        context.queues().park(backendName, () -> {
            if (!queued || exchange != exchangeSeq) {
                return false;
            }
            ctx.executor().execute(() -> {
                if (queued && exchange == exchangeSeq && ctx.channel().isActive()) {
                    routeOrWait();
                }
            });
            return true;
        });
    }

    private void leaveQueue() {
        if (queued) {
            queued = false;
            queueNanos = now() - queuedAtNanos;
            context.events().dequeued(queuedBackend, queueNanos);
        }
    }

    /** Counts the exchange on {@code server}; false when the server is at its max-conn. */
    private boolean tryAcquireSlot(Server server) {
        InFlightCounters.Counter counter = context.inFlight().counter(server.id());
        int max = server.config().maxConn();
        while (true) {
            int n = counter.get();
            if (max > 0 && n >= max) {
                return false;
            }
            if (counter.compareAndSet(n, n + 1)) {
                inFlight = counter;
                inFlightServer = server;
                return true;
            }
        }
    }

    /** Gives the slot back, and to the longest waiter when the server has a max-conn. */
    private void releaseSlot() {
        if (inFlight == null) {
            return;
        }
        inFlight.decrementAndGet();
        inFlight = null;
        if (inFlightServer.config().maxConn() > 0) {
            context.queues().wakeOne(inFlightServer.backend());
        }
        inFlightServer = null;
    }

    /** Rewrites the head once for every attempt: hop-by-hop headers out, forwarding headers in, framing set. */
    private void prepareForwardHead(HttpRequest head, boolean chunked, long contentLength) {
        HttpHeaders headers = head.headers();
        HeaderRewriter.removeHopByHop(headers);
        headers.remove(HttpHeaderNames.EXPECT);
        if (expectContinue) {
            // The server decides whether the body is welcome; its 100 (or final answer) is relayed, see onResponseHead.
            headers.set(HttpHeaderNames.EXPECT, HttpHeaderValues.CONTINUE);
        }
        // Decided before the hop-by-hop headers went: X-Forwarded-* from trusted proxies only.
        String proto = context.frontDoor().forwardedProto(ctx.channel(), headers);
        HeaderRewriter.setForwarded(headers, client.forwardedFor(), proto, headers.get(HttpHeaderNames.HOST));
        if (chunked) {
            headers.remove(HttpHeaderNames.CONTENT_LENGTH);
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        } else if (contentLength < 0) {
            headers.remove(HttpHeaderNames.CONTENT_LENGTH);
        }
        if (webSocketKey != null) {
            // The only upgrade ever forwarded; any other Upgrade token was dropped with the hop-by-hop headers.
            headers.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        }
        // Servers always get HTTP/1.1 so their connections can be pooled whatever the client speaks.
        head.setProtocolVersion(HttpVersion.HTTP_1_1);
    }

    private void onRequestContent(HttpContent content) {
        if (content.decoderResult().isFailure()) {
            // A body the decoder could not frame must never reach a server as if it had ended normally.
            content.release();
            requestComplete = true;
            closeBackend();
            if (responseStarted) {
                abortExchange(TerminationState.PROXY_REJECT_REQUEST);
                ctx.close();
            } else {
                respondLocally(400, "the request body could not be read", "BAD_REQUEST",
                        TerminationState.PROXY_REJECT_REQUEST, true);
            }
            return;
        }
        bytesIn += content.content().readableBytes();
        if (bytesIn > context.listener().maxBodyBytes()) {
            content.release();
            requestComplete = true;
            if (responseStarted) {
                abortExchange(TerminationState.PROXY_REJECT_REQUEST);
                ctx.close();
            } else {
                closeBackend();
                respondLocally(413, "the request body is larger than " + context.listener().maxBodyBytes() + " bytes",
                        "BODY_TOO_LARGE", TerminationState.PROXY_REJECT_REQUEST, true);
            }
            return;
        }
        boolean last = content instanceof LastHttpContent;
        if (last) {
            requestComplete = true;
        }
        if (phase == Phase.SERVER && !responseStarted && !requestComplete) {
            // An Expect: 100-continue client that stopped waiting for the 100: the body is the client's time again.
            arm(Phase.REQUEST_BODY, context.listener().clientTimeout());
        }
        if (decision == null && !queued) {
            // Answered locally already; the body goes nowhere.
            content.release();
            maybeFinish();
            return;
        }
        if (backend == null || connecting) {
            body.add(content);
            return;
        }
        writeToServer(content);
        if (last) {
            onRequestSent();
        }
    }

    private void writeToServer(HttpContent content) {
        requestBytesWritten = true;
        if (requestHeldOn == backend && requestHeldOn != null) {
            requestHeldOn = null;
            if (content instanceof LastHttpContent end) {
                backend.channel().write(new DefaultFullHttpRequest(request.protocolVersion(), request.method(),
                        request.uri(), end.content(), request.headers(), end.trailingHeaders()),
                        backend.channel().voidPromise());
                return;
            }
            backend.channel().write(request, backend.channel().voidPromise());
        }
        backend.channel().write(content, backend.channel().voidPromise());
    }

    /** Writes a request head still waiting for the request's end: the read is over without it. */
    private void writeHeldRequest() {
        BackendConnection on = requestHeldOn;
        requestHeldOn = null;
        if (on != null && on == backend) {
            on.channel().write(request, on.channel().voidPromise());
        }
    }

    private void onRequestSent() {
        requestSent = true;
        backend.channel().flush();
        if (!responseStarted) {
            arm(Phase.SERVER, timeouts.server());
        }
    }

    // ---------------------------------------------------------------- connecting and retrying

    private void connect(boolean forceNew) {
        attempts++;
        connecting = true;
        connectStartNanos = now();
        var server = decision.server();
        BackendConnection pooled = forceNew ? null
                : context.connector().pooled(server, ctx.channel().eventLoop(), timeouts, connectStartNanos);
        if (pooled != null) {
            onConnected(pooled);
            return;
        }
        Future<BackendConnection> f = context.connector().connect(server, ctx.channel().eventLoop(), timeouts);
        f.addListener(done -> {
            if (request == null || !ctx.channel().isActive()) {
                if (done.isSuccess()) {
                    f.getNow().channel().close();
                }
                return;
            }
            if (done.isSuccess()) {
                onConnected(f.getNow());
            } else {
                onConnectFailed(done.cause());
            }
        });
    }

    private void onConnected(BackendConnection connection) {
        connecting = false;
        backendReset = false;
        connectNanos = now() - connectStartNanos;
        backend = connection;
        connection.attach(this);
        requestBytesWritten = true;
        connection.sendingRequest(headRequest);
        if (!requestHasBody && !requestComplete && body.isEmpty()) {
            // The end of this request is the next message of this read: written with it, or at the end of the read.
            requestHeldOn = connection;
        } else {
            connection.channel().write(request, connection.channel().voidPromise());
        }
        if (requestComplete && body.isEmpty() && !requestHasBody) {
            // A retry of a body-less request: its end went with the failed attempt, so end it again here.
            writeToServer(LastHttpContent.EMPTY_LAST_CONTENT);
            onRequestSent();
        }
        HttpContent c;
        while ((c = body.poll()) != null) {
            boolean last = c instanceof LastHttpContent;
            writeToServer(c);
            if (last) {
                onRequestSent();
            }
        }
        if (requestHeldOn == null) {
            connection.channel().flush();
        }
        connection.channel().read();
        if (awaitingContinue()) {
            arm(Phase.SERVER, timeouts.server());
        }
        readClientIfWanted();
    }

    /**
     * Whether the client asked for {@code Expect: 100-continue} and is still holding its body back: no 100 was relayed
     * and no body byte arrived. Tether never answers 100 itself, so a client never sends a body the server refused;
     * the wait is bounded by the server timeout (504), and clients send the body anyway after their own short wait.
     */
    private boolean awaitingContinue() {
        return expectContinue && !continueRelayed && bytesIn == 0 && !requestComplete;
    }

    private void onConnectFailed(Throwable cause) {
        connecting = false;
        log.debug("[{}] connect to {} failed: {}", ctx.channel().id(), decision.server().id(), cause.toString());
        onAttemptFailed(NettyFailures.ofConnect(cause));
    }

    /**
     * An attempt failed before any response byte reached the client. {@link RedispatchPolicy} decides: retry the
     * same server (after a short delay for connect failures), try another server (the router picks one and the
     * cookie is re-set), or give up with 502/503/504. A request whose bytes reached a server is only retried when
     * its method is idempotent and the policy allows it, so a POST is never delivered twice.
     */
    private void onAttemptFailed(FailureKind kind) {
        String failedId = decision.server().id();
        log.debug("[{}] attempt on {} failed: {}", ctx.channel().id(), failedId, kind);
        context.traffic().observe(failedId, TrafficOutcome.of(kind));
        Attempt failed = Attempt.failed(failedId, kind);
        NextAttempt next = nextAttempt(failed);
        if (next.decision() instanceof RedispatchDecision.GiveUp giveUp) {
            releaseBody();
            TerminationState t = switch (kind) {
                case CONNECT_REFUSED, CONNECT_TIMEOUT -> TerminationState.SERVER_CONNECT;
                case RESPONSE_TIMEOUT -> TerminationState.SERVER_TIMEOUT_HEADERS;
                default -> TerminationState.SERVER_ABORT_HEADERS;
            };
            String message = switch (kind) {
                case CONNECT_REFUSED, CONNECT_TIMEOUT -> "could not connect to server " + failedId;
                case RESPONSE_TIMEOUT -> "the server did not answer in time";
                default -> "the server closed the connection before answering";
            };
            respondLocally(giveUp.status(), message, decision.reason().name(), t, !requestComplete);
            return;
        }
        startAttempt(failed, next);
    }

    /**
     * A 502, 503 or 504 answer that the backend's {@code retry-on} names: when the policy allows a retry (an
     * idempotent request without a body), the answer is dropped with its connection and the request goes out
     * again; otherwise (a POST, say) it is relayed as any answer.
     *
     * @return whether the answer was dropped for a retry
     */
    private boolean retriedOnStatus(int code) {
        if (!RedispatchPolicy.forBackend(table.config().backend(decision.server().backend())).coversStatus(code)) {
            return false;
        }
        String failedId = decision.server().id();
        Attempt failed = Attempt.status(failedId, code);
        NextAttempt next = nextAttempt(failed);
        if (next.decision() instanceof RedispatchDecision.GiveUp) {
            return false;
        }
        log.debug("[{}] {} answered {}: retrying", ctx.channel().id(), failedId, code);
        context.traffic().observe(failedId, TrafficOutcome.ofStatus(code));
        closeBackend(); // before the next attempt can attach its own connection
        startAttempt(failed, next);
        return true;
    }

    /** What follows a failed attempt: {@code decision}, and the server a {@code TryAnother} goes to. */
    private record NextAttempt(RedispatchDecision decision, RouteDecision.Forward other) {}

    /**
     * Asks {@link RedispatchPolicy} what follows the failed attempt, and for a {@code TryAnother} the router which
     * server; a {@code TryAnother} with no other server left becomes the policy's {@code noOtherServer} answer.
     * Starts nothing.
     */
    private NextAttempt nextAttempt(Attempt failed) {
        RedispatchPolicy policy = RedispatchPolicy.forBackend(table.config().backend(decision.server().backend()));
        boolean replayable = !requestHasBody || !requestBytesWritten;
        ExchangeFacts facts = new ExchangeFacts(ExchangeFacts.isIdempotent(method), requestBytesWritten, replayable,
                responseStarted);
        RedispatchDecision next = policy.decide(facts, history, failed);
        if (next instanceof RedispatchDecision.TryAnother another) {
            RouteDecision rerouted = context.router().reroute(view, table, decision, another.avoid());
            if (rerouted instanceof RouteDecision.Forward f) {
                return new NextAttempt(next, f);
            }
            var self = table.server(decision.server().backend(), decision.server().name());
            next = policy.noOtherServer(failed, self != null && self.state().acceptsSticky());
        }
        return new NextAttempt(next, null);
    }

    /** Starts the retry {@link #nextAttempt} chose: on another server at once, or on the same one after its delay. */
    private void startAttempt(Attempt failed, NextAttempt next) {
        history = history.append(failed);
        context.events().retried(failed.serverId(), failed.failure().name(), next.other() != null);
        if (next.other() != null) {
            switchServer(next.other());
            retry(0);
        } else {
            retry(((RedispatchDecision.RetrySame) next.decision()).delayMillis());
        }
    }

    /** Starts the next attempt, on a new connection, after {@code delayMillis}. */
    private void retry(long delayMillis) {
        if (delayMillis <= 0) {
            connect(true);
            return;
        }
        connecting = true;
        ctx.executor().schedule(() -> {
            if (request != null && ctx.channel().isActive()) {
                connect(true);
            }
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    private void switchServer(RouteDecision.Forward next) {
        releaseSlot();
        // A redispatched retry takes its slot even past max-conn: it already waited its turn once.
        inFlight = context.inFlight().counter(next.server().id());
        inFlight.incrementAndGet();
        inFlightServer = next.server();
        decision = next;
        timeouts = context.config().timeouts(next.server().backend());
    }

    // ---------------------------------------------------------------- response side

    @Override
    public void onBackendMessage(BackendConnection connection, Object msg) {
        beginEvent();
        try {
            handleBackendMessage(connection, msg);
        } finally {
            endEvent();
        }
    }

    private void handleBackendMessage(BackendConnection connection, Object msg) {
        if (connection != backend) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (phase == Phase.SERVER) {
            touch();
        }
        if (msg instanceof HttpResponse response) {
            onResponseHead(response);
            if (connection != backend) {
                // The head was refused (502) and the connection dropped; nothing more goes to the client.
                ReferenceCountUtil.release(msg);
                return;
            }
        }
        if (BackendConnection.isFramingRefusal(msg) || (msg instanceof HttpContent c && c.decoderResult().isFailure())) {
            ReferenceCountUtil.release(msg);
            onBadResponseFraming();
            return;
        }
        if (msg instanceof HttpContent content) {
            if (upgradeTo != null) {
                // The end of the 101 head: from here on both connections carry raw bytes.
                content.release();
                startTunnel();
                return;
            }
            if (skipInformational || !responseStarted) {
                skipInformational = !(content instanceof LastHttpContent) && skipInformational;
                content.release();
                return;
            }
            bytesOut += content.content().readableBytes();
            boolean last = content instanceof LastHttpContent;
            writeResponseContent(content, last);
            if (last) {
                responseDone = true;
                ctx.flush();
                if (bodyWithheld && bytesIn == 0 && !requestComplete) {
                    // The client kept its body back as asked: the exchange is over; what it may still send is
                    // discarded while the connection lingers.
                    requestComplete = true;
                    lingerOnClose = true;
                }
                maybeFinish();
            }
        }
    }

    /** Writes {@code content} to the client, with the held head in the same message when it ends the response. */
    private void writeResponseContent(HttpContent content, boolean last) {
        HttpResponse head = heldHead;
        if (head == null) {
            ctx.write(content, ctx.voidPromise());
            return;
        }
        heldHead = null;
        if (head == content) {
            ctx.write(content, ctx.voidPromise()); // a FullHttpResponse: head and content are one message already
        } else if (last) {
            LastHttpContent end = (LastHttpContent) content;
            ctx.write(new DefaultFullHttpResponse(head.protocolVersion(), head.status(), end.content(), head.headers(),
                    end.trailingHeaders()), ctx.voidPromise());
        } else {
            ctx.write(head, ctx.voidPromise());
            ctx.write(content, ctx.voidPromise());
        }
    }

    /** Writes a head still waiting for its content: the read is over, and the body may take a while. */
    private void writeHeldHead() {
        HttpResponse head = heldHead;
        if (head != null) {
            heldHead = null;
            ctx.write(head, ctx.voidPromise());
        }
    }

    /**
     * The server's response body framing is broken (a chunk size the scanner or the decoder refused): the connection
     * is closed, never pooled, and the client gets 502 if its status line was not sent yet, else a cut transfer.
     */
    private void onBadResponseFraming() {
        closeBackend();
        if (responseStarted) {
            abortExchange(TerminationState.SERVER_ABORT_DATA);
            ctx.close();
        } else {
            respondLocally(502, "the server sent an invalid response body", "BAD_RESPONSE",
                    TerminationState.SERVER_ABORT_HEADERS, !requestComplete);
        }
    }

    private void onResponseHead(HttpResponse response) {
        if (response.decoderResult().isFailure()) {
            closeBackend();
            respondLocally(502, "the server sent an invalid response", "BAD_RESPONSE",
                    TerminationState.SERVER_ABORT_HEADERS, !requestComplete);
            return;
        }
        int code = response.status().code();
        if (code < 100 || code > 599) {
            // Netty passes any number through; a status outside 1xx..5xx is garbage, not something to relay.
            closeBackend();
            respondLocally(502, "the server sent status " + code, "BAD_RESPONSE",
                    TerminationState.SERVER_ABORT_HEADERS, !requestComplete);
            return;
        }
        if (code == 101) {
            String problem = webSocketKey == null ? "the server switched protocols without being asked"
                    : WebSocketUpgrade.validateResponse(response, webSocketKey);
            if (problem != null) {
                closeBackend();
                respondLocally(502, problem, "BAD_RESPONSE", TerminationState.SERVER_ABORT_HEADERS, true);
                return;
            }
            upgradeTo = response;
            return;
        }
        if (code < 200) {
            if (code == 100 && expectContinue && !continueRelayed) {
                // Relayed once per exchange, whatever a retried attempt's server says again.
                continueRelayed = true;
                ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                        Unpooled.EMPTY_BUFFER), ctx.voidPromise());
                if (phase == Phase.SERVER && !requestComplete) {
                    arm(Phase.REQUEST_BODY, context.listener().clientTimeout());
                }
            }
            // Other interim answers (102, 103) are not relayed.
            skipInformational = true;
            return;
        }
        if (code >= 502 && code <= 504 && retriedOnStatus(code)) {
            return;
        }
        if (awaitingContinue()) {
            // A final answer instead of 100 (417, 401, 413...): the client must not send its body now (RFC 9110
            // section 10.1.1). The server never got the announced body, so its connection cannot be reused, and the
            // client's closes after the answer (see onBackendMessage), discarding a body sent regardless.
            bodyWithheld = true;
        }
        responseStarted = true;
        status = code;
        responseNanos = now() - startNanos;
        context.traffic().observe(decision.server().id(), TrafficOutcome.ofStatus(code));
        HttpHeaders headers = response.headers();
        boolean serverKeepAlive = HttpUtil.isKeepAlive(response);
        boolean chunked = HttpUtil.isTransferEncodingChunked(response);
        boolean hasLength = HttpUtil.isContentLengthSet(response);
        boolean bodyless = headRequest || code == 204 || code == 304;
        backendReusable = serverKeepAlive && (hasLength || chunked || bodyless) && !bodyWithheld;
        HeaderRewriter.removeHopByHop(headers);
        if (!bodyless && !hasLength) {
            if (clientVersion.equals(HttpVersion.HTTP_1_1)) {
                headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            } else {
                closeClient = true; // an HTTP/1.0 client learns the end of a length-less body from the close
            }
        } else if (chunked && headRequest) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        if (!clientKeepAlive || closing || !requestComplete) {
            closeClient = true;
        }
        if (closeClient) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (clientVersion.equals(HttpVersion.HTTP_1_0)) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        response.setProtocolVersion(clientVersion.equals(HttpVersion.HTTP_1_0) ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1);
        context.frontDoor().config().responseHeaders().apply(headers, decision.server().name());
        if (decision.cookieAction() instanceof CookieAction.Set set) {
            headers.add(HttpHeaderNames.SET_COOKIE, set.setCookieValue());
            if (set.nocache()) {
                headers.set(HttpHeaderNames.CACHE_CONTROL, "private");
            }
            cookieSet = true;
        } else if (decision.cookieAction() instanceof CookieAction.Rewrite rewrite) {
            cookieSet = HeaderRewriter.rewriteSetCookies(headers, rewrite);
        }
        heldHead = response; // written with the first content, or at the end of this read (onBackendReadComplete)
        if (!ctx.channel().isWritable()) {
            arm(Phase.CLIENT_WRITE, context.listener().clientTimeout());
        } else if (phase != Phase.SERVER) {
            arm(Phase.SERVER, timeouts.server());
        }
    }

    @Override
    public void onBackendReadComplete(BackendConnection connection) {
        if (connection != backend) {
            return;
        }
        writeHeldHead();
        ctx.flush();
        if (!responseDone && ctx.channel().isWritable()) {
            connection.channel().read();
        }
    }

    @Override
    public void onBackendClosed(BackendConnection connection) {
        log.debug("[{}] server connection {} closed", ctx.channel().id(), connection.serverId());
        if (connection != backend || request == null) {
            return;
        }
        backend = null;
        if (responseDone) {
            return;
        }
        if (!responseStarted) {
            if (connection.reused() && !requestHasBody && ExchangeFacts.isIdempotent(method) && attempts <= 3) {
                // A pooled connection the server closed just as we reused it: nothing was processed, and the
                // request is idempotent, so a fresh connection may carry it again.
                log.debug("[{}] pooled connection to {} closed before answering; retrying on a new connection",
                        ctx.channel().id(), connection.serverId());
                connect(true);
                return;
            }
            onAttemptFailed(FailureKind.closedBeforeResponse(requestBytesWritten, backendReset));
        } else {
            abortExchange(TerminationState.SERVER_ABORT_DATA);
            ctx.close();
        }
    }

    @Override
    public void onBackendError(BackendConnection connection, Throwable cause) {
        if (connection == backend) {
            backendReset = true;
        }
        log.debug("[{}] server connection {} error: {}", ctx.channel().id(), connection.serverId(), cause.toString());
        connection.channel().close();
    }

    @Override
    public void onBackendWritabilityChanged(BackendConnection connection) {
        if (connection == backend && connection.channel().isWritable()) {
            readClientIfWanted();
        }
    }

    // ---------------------------------------------------------------- websocket tunnel

    /**
     * Relays the 101 to the client and turns both connections into a raw tunnel: the HTTP codecs leave both
     * pipelines (bytes they still held go on to the relays) and the tunnel timeout replaces the HTTP timeouts.
     */
    private void startTunnel() {
        HttpResponse response = upgradeTo;
        responseStarted = true;
        responseDone = true;
        status = 101;
        responseNanos = now() - startNanos;
        HeaderRewriter.removeHopByHop(response.headers());
        response.headers().set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        if (decision.cookieAction() instanceof CookieAction.Set set) {
            response.headers().add(HttpHeaderNames.SET_COOKIE, set.setCookieValue());
            cookieSet = true;
        } else if (decision.cookieAction() instanceof CookieAction.Rewrite rewrite) {
            cookieSet = HeaderRewriter.rewriteSetCookies(response.headers(), rewrite);
        }
        ctx.writeAndFlush(response, ctx.voidPromise());
        arm(Phase.NONE, null);
        cancelTimer();
        BackendConnection b = backend;
        backend = null;
        b.attach(null);
        String backendName = decision.server().backend();
        context.events().tunnelOpened(backendName);
        Tunnel.open(ctx.channel(), FrontendInitializer.FRONTEND, b.channel(), BackendConnector.HANDLER,
                timeouts.tunnel(), (up, down, timedOut) -> {
                    bytesIn = up;
                    bytesOut = down;
                    termination(timedOut ? TerminationState.TUNNEL_TIMEOUT : TerminationState.NORMAL);
                    context.events().tunnelClosed(backendName, up, down);
                    emitRecord(true);
                    context.events().clientConnectionClosed(context.listener().name());
                });
        // Every HTTP-aware handler leaves; the limiter and the front door (TLS) stay.
        for (String name : List.of(FrontendInitializer.VALIDATOR,
                FrontendInitializer.READ_TRACKER, FrontendInitializer.SCANNER, FrontendInitializer.CODEC)) {
            if (ctx.pipeline().get(name) != null) {
                ctx.pipeline().remove(name);
            }
        }
        b.channel().pipeline().remove(BackendConnector.SCANNER);
        b.channel().pipeline().remove(BackendConnector.CODEC);
        releasePending();
    }

    // ---------------------------------------------------------------- finishing

    /** Answers the current request from Tether itself. */
    private void respondLocally(int code, String message, String why, TerminationState termination, boolean close) {
        status = code;
        reason = why;
        responseStarted = true;
        responseDone = true;
        releaseBody();
        closeClient |= close || !clientKeepAlive || closing;
        lingerOnClose = close;
        var response = ErrorResponses.build(ctx.alloc(), code, message, closeClient);
        response.setProtocolVersion(clientVersion != null && clientVersion.equals(HttpVersion.HTTP_1_0)
                ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1);
        bytesOut = response.content().readableBytes();
        if (headRequest) {
            response.content().clear();
        }
        ctx.writeAndFlush(response, ctx.voidPromise());
        termination(termination);
        if (closeClient) {
            requestComplete = true;
        }
        maybeFinish();
    }

    private void termination(TerminationState t) {
        termination = t;
    }

    private void maybeFinish() {
        if (request == null || !responseDone || !requestComplete) {
            return;
        }
        finishExchange();
    }

    private void finishExchange() {
        emitRecord();
        BackendConnection b = backend;
        backend = null;
        if (b != null) {
            if (backendReusable && requestSent && termination == TerminationState.NORMAL) {
                context.connector().release(b, timeouts, now());
            } else {
                b.attach(null);
                b.channel().close();
            }
        }
        boolean close = closeClient || closing;
        boolean linger = lingerOnClose;
        resetExchange();
        if (close) {
            arm(Phase.NONE, null);
            if (linger) {
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> linger());
            } else {
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
            return;
        }
        arm(Phase.IDLE, context.listener().keepAliveTimeout());
        while (request == null && !pending.isEmpty()) {
            dispatch(pending.poll());
            while (request != null && !requestComplete && !pending.isEmpty()
                    && !(pending.peek() instanceof HttpRequest)) {
                dispatch(pending.poll());
            }
        }
        readClientIfWanted();
    }

    /**
     * Closes after an error answer while the client may still be sending (an oversized head or body): closing at
     * once with unread input makes the kernel send a reset, which can destroy the answer before the client reads
     * it. So, as nginx's lingering close does, stop writing, discard input for a moment, then close.
     */
    private void linger() {
        releasePending();
        lingering = true;
        if (ctx.channel() instanceof DuplexChannel duplex) {
            duplex.shutdownOutput();
        }
        ctx.channel().config().setAutoRead(true);
        ctx.executor().schedule(() -> ctx.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Ends the exchange after a failure that leaves no status to send (client gone, or response cut). */
    private void abortExchange(TerminationState t) {
        termination(t);
        closeBackend();
        releaseBody();
        emitRecord();
        resetExchange();
        closing = true;
    }

    private void closeBackend() {
        BackendConnection b = backend;
        backend = null;
        if (b != null) {
            b.attach(null);
            b.channel().close();
        }
    }

    private void emitRecord() {
        emitRecord(false);
    }

    private void emitRecord(boolean tunnel) {
        // Every way out of an exchange passes here: a client that left while queued leaves the queue too.
        leaveQueue();
        releaseSlot();
        InetSocketAddress remote = remote();
        ExchangeRecord record = new ExchangeRecord(
                context.listener().name(),
                clientAddress(),
                remote == null ? 0 : remote.getPort(),
                startMillis,
                method,
                uri,
                decision == null ? null : decision.server().backend(),
                decision == null ? null : decision.server().name(),
                reason != null ? reason : decision == null ? null : decision.reason().name(),
                decision == null ? "NONE" : decision.cookieStatus().name(),
                cookieSet,
                attempts,
                status,
                bytesIn,
                bytesOut,
                requestReadNanos,
                queueNanos,
                connectNanos,
                responseNanos,
                now() - startNanos,
                termination,
                tunnel);
        context.events().exchangeFinished(record);
    }

    private void resetExchange() {
        request = null;
        exchangeSeq++;
        queued = false;
        queueNanos = -1;
        requestReadNanos = -1;
        method = null;
        uri = null;
        view = null;
        decision = null;
        table = null;
        timeouts = null;
        requestComplete = false;
        requestSent = false;
        requestBytesWritten = false;
        requestHasBody = false;
        bytesIn = 0;
        connecting = false;
        attempts = 0;
        history = null;
        backendReset = false;
        responseStarted = false;
        responseDone = false;
        skipInformational = false;
        bodyWithheld = false;
        expectContinue = false;
        continueRelayed = false;
        backendReusable = false;
        closeClient = false;
        lingerOnClose = false;
        cookieSet = false;
        status = -1;
        bytesOut = 0;
        connectNanos = -1;
        responseNanos = -1;
        reason = null;
        webSocketKey = null;
        client = null;
        upgradeTo = null;
        heldHead = null;
        requestHeldOn = null;
        termination = TerminationState.NORMAL;
    }

    private void releaseBody() {
        HttpContent c;
        while ((c = body.poll()) != null) {
            c.release();
        }
    }

    private void releasePending() {
        Object m;
        while ((m = pending.poll()) != null) {
            ReferenceCountUtil.release(m);
        }
    }

    private InetSocketAddress remote() {
        SocketAddress a = ctx.channel().remoteAddress();
        return a instanceof InetSocketAddress inet ? inet : null;
    }

    /**
     * Who the client is for this request. Without trusted proxies the answer is the TCP peer for the whole
     * connection, so it is worked out once; with them, each request's X-Forwarded-For may say otherwise.
     */
    private ClientAddress resolveClient(HttpHeaders headers) {
        if (!context.frontDoor().config().trustedProxies().isEmpty()) {
            return context.frontDoor().clientAddress(ctx.channel(), headers);
        }
        if (peerClient == null) {
            peerClient = context.frontDoor().clientAddress(ctx.channel(), headers);
        }
        return peerClient;
    }

    /** The client's address: the TCP peer, or what a trusted proxy in front of Tether says it is. */
    private String clientAddress() {
        if (peerText == null) {
            InetSocketAddress r = remote();
            peerAddress = r == null ? null : r.getAddress();
            peerText = peerAddress == null ? "unknown" : peerAddress.getHostAddress();
        }
        if (client != null && client.client() != null && !client.client().equals(peerAddress)) {
            return client.client().getHostAddress();
        }
        return peerText;
    }

    // ---------------------------------------------------------------- clock

    /**
     * {@code System.nanoTime()}, read once per event: within one client read (the bytes through the decoder and
     * everything the request does, see {@link ClientReadTracker}) or one server message, every timestamp and
     * deadline is the same reading. They would be microseconds apart, and each reading is a {@code clock_gettime}
     * (a dozen per exchange before). Outside an event (timers, connect and queue callbacks) it reads the clock.
     */
    private long now() {
        if (eventDepth == 0) {
            return System.nanoTime();
        }
        if (!eventClockRead) {
            eventNanos = System.nanoTime();
            eventClockRead = true;
        }
        return eventNanos;
    }

    /** Starts an event: until the matching {@link #endEvent}, {@link #now} reads the clock at most once. */
    void beginEvent() {
        if (eventDepth++ == 0) {
            eventClockRead = false;
        }
    }

    void endEvent() {
        eventDepth--;
    }

    // ---------------------------------------------------------------- timers

    /** Enters a phase with its own timeout; {@code Phase.NONE} stops timing. */
    private void arm(Phase next, Duration timeout) {
        phase = next;
        if (next == Phase.NONE) {
            return;
        }
        timeoutNanos = timeout.toNanos();
        long now = now();
        deadlineNanos = now + timeoutNanos;
        if (timer == null || timerAtNanos - deadlineNanos > 0) {
            cancelTimer();
            schedule(now, timeoutNanos);
        }
    }

    /** Activity in a phase whose timeout measures inactivity. */
    private void touch() {
        deadlineNanos = now() + timeoutNanos;
    }

    private void schedule(long now, long delayNanos) {
        timerAtNanos = now + delayNanos;
        timer = ctx.executor().schedule(this::onTimer, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void onTimer() {
        timer = null;
        if (phase == Phase.NONE || !ctx.channel().isActive()) {
            return;
        }
        long now = now();
        long left = deadlineNanos - now;
        if (left > 0) {
            schedule(now, left);
            return;
        }
        Phase fired = phase;
        phase = Phase.NONE;
        switch (fired) {
            case IDLE -> ctx.close();
            case REQUEST_HEAD -> {
                // The head is still incomplete, so no HttpRequest exists yet: answer 408 directly.
                var response = ErrorResponses.build(ctx.alloc(), 408, "the request head did not arrive in time", true);
                ctx.writeAndFlush(response).addListener(f -> linger());
            }
            case REQUEST_BODY -> {
                if (!responseStarted) {
                    closeBackend();
                    respondLocally(408, "the request body stalled", "CLIENT_TIMEOUT",
                            TerminationState.CLIENT_TIMEOUT_REQUEST, true);
                } else {
                    abortExchange(TerminationState.CLIENT_TIMEOUT_REQUEST);
                    ctx.close();
                }
            }
            case SERVER -> {
                if (!responseStarted) {
                    closeBackend();
                    onAttemptFailed(FailureKind.RESPONSE_TIMEOUT);
                } else {
                    abortExchange(TerminationState.SERVER_ABORT_DATA);
                    ctx.close();
                }
            }
            case QUEUE -> {
                leaveQueue();
                respondLocally(503, "no server became available within the queue timeout", "QUEUE_TIMEOUT",
                        TerminationState.SERVER_QUEUE_TIMEOUT, requestHasBody);
            }
            case CLIENT_WRITE -> {
                abortExchange(TerminationState.CLIENT_ABORT_DATA);
                ctx.close();
            }
            default -> {}
        }
    }
}
