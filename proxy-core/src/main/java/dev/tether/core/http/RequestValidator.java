package dev.tether.core.http;

import dev.tether.core.log.ExchangeListener;
import dev.tether.core.log.ExchangeRecord;
import dev.tether.core.log.TerminationState;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses what Netty's decoder accepts but an edge proxy must not: checks every decoded request head (and notices
 * bodies the decoder could not frame) before anything is routed, and answers 400, 501 or 505 itself.
 *
 * <p>Sits right after {@code HttpServerCodec}. Netty 4.2 already rejects CL+TE, repeated or list-valued or signed
 * or overflowing Content-Length, a final coding other than chunked, chunked twice, TE on HTTP/1.0, bad header
 * names, CR/LF/NUL/controls in values and HTTP/0.9; {@code FrontendHandler} answers those 400. This handler adds:
 *
 * <ul>
 *   <li>a coding other than chunked before chunked ({@code gzip, chunked}): 501; an empty list element: 400;
 *   <li>HTTP major version other than 1: 505 (HTTP/1.2 and up are treated as 1.1);
 *   <li>two Host headers, a Host that is not {@code host[:port]}, no Host on HTTP/1.1: 400;
 *   <li>a request target with controls, spaces, non-ASCII or a fragment; {@code *} other than for OPTIONS; a form
 *       other than origin or absolute: 400. Absolute-form becomes origin-form and the Host is set to its authority;
 *   <li>the path normalised once ({@link PathNormalizer}) so routing and the server see the same path;
 *   <li>header names with an underscore dropped (or refused), so {@code X_Forwarded_For} cannot alias a header
 *       Tether sets;
 *   <li>a chunked body the decoder could not read (bad size, missing CRLF, CR/LF in extensions): 400, or a cut
 *       connection when the response had already started.
 * </ul>
 *
 * <p>Once it refuses a request, this handler owns the connection: it discards everything the client sends after
 * it (nothing behind a refused request can be smuggled through), waits until the responses to earlier pipelined
 * requests have gone out (it watches the outbound responses), writes its own answer with {@code Connection: close},
 * drops anything written after it, and closes after a short lingering period, as {@code FrontendHandler} does.
 * After a 101 it steps aside: the connection is a tunnel.
 *
 * <p>Optionally it enforces a minimum request-body rate (408), so a client trickling a body cannot hold a server
 * connection for as long as it keeps sending a byte before each inactivity timeout. Only time spent waiting for
 * the client counts: from a read the proxy asked for to the data arriving. While the proxy holds reads back
 * (the server is slow to take the body) the clock stops, so backpressure is never blamed on the client.
 */
public final class RequestValidator extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(RequestValidator.class);

    private static final long LINGER_MILLIS = 2000;

    /** What to do with a request header whose name contains {@code _}. */
    public enum UnderscoreHeaders {
        /** Remove the header and forward the request (nginx and Envoy's default). */
        DROP,
        /** Answer 400. */
        REJECT
    }

    /** Why a request was refused: the status, the message and the access-log reason. */
    record Rejection(int status, String message, String reason, String method, String uri, HttpVersion version) {}

    private final String listener;
    private final ExchangeListener events;
    private final UnderscoreHeaders underscores;

    // Requests passed on whose final response has not been written completely.
    private int owed;
    private boolean responseOpen;
    private boolean informational;
    private boolean tunnel;

    // The last head passed on, for the access-log line of a refused body.
    private String currentMethod;
    private String currentUri;

    private Rejection rejection;
    private boolean rejectionIsCurrent;
    private int ahead;
    private boolean sent;

    // Minimum body rate; 0 = off.
    private final long minBodyBytesPerSecond;
    private final long rateGraceNanos;
    private boolean bodyOpen;
    /** An Expect: 100-continue body: its clock starts at the 100 or the first body byte, not at the head. */
    private boolean bodyClockDeferred;
    private long bodyBytes;
    private long waitedNanos;
    private long readAskedAtNanos = -1;
    private ScheduledFuture<?> rateTimer;

    public RequestValidator(String listener, ExchangeListener events, UnderscoreHeaders underscores) {
        this(listener, events, underscores, 0, Duration.ZERO);
    }

    /**
     * @param minBodyBytesPerSecond a request body slower than this (over the time spent waiting for it) gets 408;
     *     0 turns the check off
     * @param rateGrace the waiting time before the rate is judged, so a slow start is not punished
     */
    public RequestValidator(String listener, ExchangeListener events, UnderscoreHeaders underscores,
            long minBodyBytesPerSecond, Duration rateGrace) {
        if (minBodyBytesPerSecond < 0) {
            throw new IllegalArgumentException("minimum body rate must be >= 0 bytes/s (0 = off), got "
                    + minBodyBytesPerSecond);
        }
        this.listener = listener;
        this.events = events;
        this.underscores = underscores;
        this.minBodyBytesPerSecond = minBodyBytesPerSecond;
        this.rateGraceNanos = rateGrace.toNanos();
    }

    // ---------------------------------------------------------------- inbound

    /**
     * Tells FrontendHandler that the request it is handling was answered here (a body too slow or broken): it ends
     * the exchange without a response of its own and logs it with this status.
     */
    public record Answered(int status, String reason) {}

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (readAskedAtNanos >= 0) {
            waitedNanos += System.nanoTime() - readAskedAtNanos;
            readAskedAtNanos = -1;
        }
        if (tunnel) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (rejection != null) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof RawRequestScanner.Refusal refusal) {
            reject(ctx, new Rejection(refusal.status(), refusal.message(), "BAD_REQUEST",
                    refusal.inBody() ? currentMethod : null, refusal.inBody() ? currentUri : null,
                    HttpVersion.HTTP_1_1), refusal.inBody());
            return;
        }
        if (msg instanceof HttpRequest head) {
            if (head.decoderResult().isSuccess()) {
                Rejection r = check(head);
                if (r != null) {
                    ReferenceCountUtil.release(msg);
                    reject(ctx, r, false);
                    return;
                }
            }
            // A head the decoder refused goes on: FrontendHandler answers it (400, 414, 431) and the decoder
            // discards what follows.
            owed++;
            currentMethod = head.method().name();
            currentUri = head.uri();
            if (minBodyBytesPerSecond > 0 && head.decoderResult().isSuccess() && !(head instanceof LastHttpContent)
                    && (HttpUtil.isTransferEncodingChunked(head) || HttpUtil.getContentLength(head, 0L) > 0)) {
                if (HttpUtil.is100ContinueExpected(head)) {
                    bodyClockDeferred = true; // the client rightly waits for the server's 100 first
                } else {
                    startBodyClock(ctx);
                }
            }
            ctx.fireChannelRead(msg);
            return;
        }
        if (msg instanceof HttpContent content && content.decoderResult().isFailure()) {
            String why = content.decoderResult().cause().getMessage();
            content.release();
            reject(ctx, new Rejection(400, "the chunked request body could not be read: " + why, "BAD_REQUEST",
                    currentMethod, currentUri, HttpVersion.HTTP_1_1), true);
            return;
        }
        if (msg instanceof HttpContent && bodyClockDeferred) {
            bodyClockDeferred = false;
            startBodyClock(ctx);
        }
        if (msg instanceof HttpContent content && bodyOpen) {
            bodyBytes += content.content().readableBytes();
            if (content instanceof LastHttpContent) {
                stopBodyClock();
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        if (bodyOpen && readAskedAtNanos < 0) {
            readAskedAtNanos = System.nanoTime();
        }
        ctx.read();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stopBodyClock();
        ctx.fireChannelInactive();
    }

    private void startBodyClock(ChannelHandlerContext ctx) {
        bodyOpen = true;
        bodyBytes = 0;
        waitedNanos = 0;
        if (rateTimer == null) {
            rateTimer = ctx.executor().scheduleAtFixedRate(() -> checkBodyRate(ctx), 250, 250, TimeUnit.MILLISECONDS);
        }
    }

    private void stopBodyClock() {
        bodyOpen = false;
        readAskedAtNanos = -1;
        if (rateTimer != null) {
            rateTimer.cancel(false);
            rateTimer = null;
        }
    }

    private void checkBodyRate(ChannelHandlerContext ctx) {
        if (!bodyOpen || rejection != null) {
            stopBodyClock();
            return;
        }
        long waited = waitedNanos + (readAskedAtNanos >= 0 ? System.nanoTime() - readAskedAtNanos : 0);
        if (waited > rateGraceNanos && bodyBytes * 1_000_000_000.0 / waited < minBodyBytesPerSecond) {
            String message = "the request body arrived at " + (long) (bodyBytes * 1_000_000_000.0 / waited)
                    + " bytes/s, below the minimum of " + minBodyBytesPerSecond;
            stopBodyClock();
            reject(ctx, new Rejection(408, message, "CLIENT_TIMEOUT", currentMethod, currentUri,
                    HttpVersion.HTTP_1_1), true);
        }
    }

    /**
     * Checks and normalises one decoded head.
     *
     * @return {@code null} to forward it (possibly rewritten), else the answer to give
     */
    Rejection check(HttpRequest head) {
        String method = head.method().name();
        String uri = head.uri();
        HttpVersion version = head.protocolVersion();
        if (version.majorVersion() != 1) {
            return new Rejection(505, "HTTP/" + version.majorVersion() + "." + version.minorVersion()
                    + " is not supported; use HTTP/1.1", "BAD_VERSION", method, uri, HttpVersion.HTTP_1_1);
        }
        if (version.minorVersion() > 1) {
            // RFC 9110 section 6.2: a higher minor version is answered as the highest one we speak.
            head.setProtocolVersion(HttpVersion.HTTP_1_1);
            version = HttpVersion.HTTP_1_1;
        }
        HttpHeaders headers = head.headers();

        String problem = checkTransferEncoding(headers);
        if (problem != null) {
            int status = problem.startsWith("transfer coding") ? 501 : 400;
            return new Rejection(status, problem, status == 501 ? "NOT_IMPLEMENTED" : "BAD_REQUEST", method, uri,
                    version);
        }
        problem = checkHeaderNames(headers);
        if (problem == null && !HttpMethod.CONNECT.equals(head.method())) {
            // CONNECT is answered 501 by FrontendHandler; its authority-form target is not ours to judge.
            problem = checkTarget(head);
        }
        if (problem == null) {
            problem = checkHost(headers, version);
        }
        if (problem != null) {
            return new Rejection(400, problem, "BAD_REQUEST", method, uri, version);
        }
        String length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        if (length != null) {
            // The decoder accepted it, so it is digits; send the server its plain form ("005" becomes "5").
            headers.set(HttpHeaderNames.CONTENT_LENGTH, Long.toString(Long.parseLong(length.trim())));
        }
        return null;
    }

    /** The decoder already made sure chunked is the last coding and appears once. */
    private static String checkTransferEncoding(HttpHeaders headers) {
        if (!headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            return null; // most requests: no list to build
        }
        List<String> values = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        for (String value : values) {
            for (String token : value.split(",", -1)) {
                String coding = token.trim();
                if (coding.isEmpty()) {
                    return "Transfer-Encoding has an empty element: " + value;
                }
                if (!coding.equalsIgnoreCase("chunked")) {
                    return "transfer coding " + coding + " is not supported; only chunked is";
                }
            }
        }
        return null;
    }

    private String checkHeaderNames(HttpHeaders headers) {
        List<String> underscored = null;
        // Names as the decoder stored them: iterating as Strings would copy every name and value.
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            CharSequence name = it.next().getKey();
            if (contains(name, '_')) {
                if (underscores == UnderscoreHeaders.REJECT) {
                    return "header names with '_' are not accepted: " + name;
                }
                if (underscored == null) {
                    underscored = new ArrayList<>();
                }
                underscored.add(name.toString());
            }
        }
        if (underscored != null) {
            underscored.forEach(headers::remove);
        }
        return null;
    }

    private static boolean contains(CharSequence s, char c) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == c) {
                return true;
            }
        }
        return false;
    }

    private static String checkTarget(HttpRequest head) {
        String uri = head.uri();
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '#') {
                return "the request target may not contain control characters, spaces, non-ASCII or '#'";
            }
        }
        if (uri.equals("*")) {
            return HttpMethod.OPTIONS.equals(head.method()) ? null : "'*' is only a target for OPTIONS";
        }
        String target = uri;
        if (!uri.startsWith("/")) {
            int scheme = uri.indexOf("://");
            String name = scheme < 0 ? "" : uri.substring(0, scheme).toLowerCase(Locale.ROOT);
            if (!name.equals("http") && !name.equals("https")) {
                return "the request target must be a path or an http(s) URL";
            }
            int start = scheme + 3;
            int end = start;
            while (end < uri.length() && uri.charAt(end) != '/' && uri.charAt(end) != '?') {
                end++;
            }
            String authority = uri.substring(start, end);
            if (!validHost(authority)) {
                return "the request target's authority is not host[:port]: " + authority;
            }
            // RFC 9112 section 3.2.2: the target's authority replaces any Host the client sent.
            head.headers().set(HttpHeaderNames.HOST, authority);
            String rest = uri.substring(end);
            target = rest.isEmpty() ? "/" : rest.startsWith("?") ? "/" + rest : rest;
        }
        String normal = PathNormalizer.normalize(target);
        if (normal == null) {
            return "the request path has a malformed percent-escape";
        }
        if (!normal.equals(uri)) {
            head.setUri(normal);
        }
        return null;
    }

    private static String checkHost(HttpHeaders headers, HttpVersion version) {
        // The values one by one: no list for the usual single Host.
        Iterator<String> hosts = headers.valueStringIterator(HttpHeaderNames.HOST);
        if (!hosts.hasNext()) {
            return version.equals(HttpVersion.HTTP_1_1) ? "an HTTP/1.1 request needs a Host header" : null;
        }
        String host = hosts.next();
        if (hosts.hasNext()) {
            return "a request may carry only one Host header";
        }
        return validHost(host) ? null : "the Host header is not host[:port]: " + host;
    }

    /**
     * {@code uri-host [ ":" port ]} (RFC 9110 section 7.2): a reg-name of unreserved, sub-delims and
     * percent-escapes (no userinfo), or an IP-literal in brackets; the port, if any, is 1 to 5 digits.
     */
    public static boolean validHost(String host) {
        if (host.isEmpty()) {
            return false;
        }
        int portStart;
        if (host.charAt(0) == '[') {
            int close = host.indexOf(']');
            if (close < 2) {
                return false;
            }
            for (int i = 1; i < close; i++) {
                char c = host.charAt(i);
                if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                    return false;
                }
            }
            portStart = close + 1;
            if (portStart < host.length() && host.charAt(portStart) != ':') {
                return false;
            }
        } else {
            int colon = host.indexOf(':');
            portStart = colon < 0 ? host.length() : colon;
            if (portStart == 0) {
                return false;
            }
            for (int i = 0; i < portStart; i++) {
                char c = host.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || "-._~!$&'()*+,;=%".indexOf(c) >= 0;
                if (!ok) {
                    return false;
                }
            }
        }
        if (portStart < host.length()) {
            String port = host.substring(portStart + 1);
            if (port.isEmpty() || port.length() > 5) {
                return false;
            }
            for (int i = 0; i < port.length(); i++) {
                if (port.charAt(i) < '0' || port.charAt(i) > '9') {
                    return false;
                }
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- refusing

    /**
     * @param current whether the refused message belongs to the request already passed on (a broken body),
     *     rather than to a new head that never went further
     */
    private void reject(ChannelHandlerContext ctx, Rejection r, boolean current) {
        rejection = r;
        rejectionIsCurrent = current;
        ahead = owed - (current ? 1 : 0);
        log.debug("[{}] refusing request: {} {}", ctx.channel().id(), r.status(), r.message());
        if (ahead > 0) {
            return; // answered once the earlier responses are out (see write)
        }
        if (responseOpen) {
            // The response to this very request has started: a status can no longer be sent, so cut it.
            sent = true;
            ctx.close();
            return;
        }
        send(ctx);
    }

    private void send(ChannelHandlerContext ctx) {
        sent = true;
        Rejection r = rejection;
        var response = ErrorResponses.build(ctx.alloc(), r.status(), r.message(), true);
        if (HttpVersion.HTTP_1_0.equals(r.version())) {
            response.setProtocolVersion(HttpVersion.HTTP_1_0);
        }
        long bytesOut = response.content().readableBytes();
        ctx.writeAndFlush(response).addListener(f -> linger(ctx));
        if (rejectionIsCurrent) {
            // FrontendHandler already has this exchange: it logs it, once, with what it knows (backend, server).
            ctx.fireUserEventTriggered(new Answered(r.status(), r.reason()));
            return;
        }
        InetSocketAddress remote = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a : null;
        events.exchangeFinished(new ExchangeRecord(listener,
                remote == null || remote.getAddress() == null ? null : remote.getAddress().getHostAddress(),
                remote == null ? 0 : remote.getPort(), System.currentTimeMillis(), r.method(), r.uri(), null, null,
                r.reason(), "NONE", false, 0, r.status(), 0, bytesOut, -1, -1, -1, 0,
                TerminationState.PROXY_REJECT_REQUEST, false));
    }

    /** As FrontendHandler's lingering close: stop writing, discard input for a moment, then close. */
    private void linger(ChannelHandlerContext ctx) {
        if (ctx.channel() instanceof DuplexChannel duplex) {
            duplex.shutdownOutput();
        }
        ctx.channel().config().setAutoRead(true);
        ctx.executor().schedule(() -> {
            ctx.close();
        }, LINGER_MILLIS, TimeUnit.MILLISECONDS);
    }

    // ---------------------------------------------------------------- outbound

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (sent) {
            // The connection answers nothing after the refusal. The promise is left pending on purpose: completing
            // it would let a close listener cut the lingering period short.
            ReferenceCountUtil.release(msg);
            return;
        }
        if (tunnel) {
            ctx.write(msg, promise);
            return;
        }
        if (msg instanceof HttpResponse response) {
            int code = response.status().code();
            if (code == 101) {
                tunnel = true;
                ctx.write(msg, promise);
                return;
            }
            informational = code < 200;
            responseOpen = !informational;
            if (bodyClockDeferred) {
                // A 100 lets the body come, so from now on its time counts; a final answer means it will not.
                bodyClockDeferred = false;
                if (code == 100) {
                    startBodyClock(ctx);
                }
            }
        }
        boolean done = msg instanceof LastHttpContent && !informational;
        ctx.write(msg, promise);
        if (done) {
            responseOpen = false;
            owed--;
            if (rejection != null && --ahead <= 0) {
                send(ctx);
            }
        }
    }
}
