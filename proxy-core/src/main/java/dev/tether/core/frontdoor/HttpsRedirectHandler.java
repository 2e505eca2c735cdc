package dev.tether.core.frontdoor;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers every request on a plain-HTTP listener with a redirect to the same URL over https, as HAProxy's
 * {@code http-request redirect scheme https code 301 unless { ssl_fc }} does. Sits after {@code HttpServerCodec}
 * in place of the forwarding handler; nothing is forwarded to a backend.
 *
 * <p>{@code Location} is {@code https://<host>[:port]<path>[?query]}: the host comes from the {@code Host} header
 * (or an absolute-form request target) without its port; {@code :port} is added when the https port is not 443;
 * path and query are kept byte for byte. A request without a usable host gets 400.
 *
 * <p>Request bodies are never read into memory: content is released as it arrives. A request that announces a
 * body gets {@code Connection: close} (draining an upload only to throw it away wastes the client's time and
 * ours); one without a body keeps the connection open when the client asked for keep-alive. Works with
 * {@code AUTO_READ} on or off: with it off this handler asks for each read itself.
 */
public final class HttpsRedirectHandler extends ChannelInboundHandlerAdapter {

    public static final String NAME = "https-redirect";

    private static final Logger log = LoggerFactory.getLogger(HttpsRedirectHandler.class);

    /** Status codes HAProxy's {@code redirect} accepts. */
    public static final Set<Integer> STATUSES = Set.of(301, 302, 303, 307, 308);

    private final HttpResponseStatus status;
    private final int httpsPort;
    private boolean closeAfterResponse;

    /**
     * @param status one of {@link #STATUSES}
     * @param httpsPort the port of the https listener the client should use; 443 leaves it out of the URL
     */
    public HttpsRedirectHandler(int status, int httpsPort) {
        if (!STATUSES.contains(status)) {
            throw new IllegalArgumentException("redirect status " + status + " (expected one of 301, 302, 303, "
                    + "307, 308)");
        }
        if (httpsPort < 1 || httpsPort > 65535) {
            throw new IllegalArgumentException("https port " + httpsPort + " (expected 1..65535)");
        }
        this.status = HttpResponseStatus.valueOf(status);
        this.httpsPort = httpsPort;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.fireChannelActive();
        readIfManual(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest request) {
                respond(ctx, request);
            }
            // body content (and the LastHttpContent of a request) is dropped
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        if (!closeAfterResponse) {
            readIfManual(ctx);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && !closeAfterResponse) {
            readIfManual(ctx);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a reset or a TLS error on a port that only redirects: nothing to answer, nothing worth a WARN
        log.debug("[id: {}] closing redirect connection: {}", ctx.channel().id().asShortText(), cause.toString());
        ctx.close();
    }

    private void readIfManual(ChannelHandlerContext ctx) {
        if (!ctx.channel().config().isAutoRead() && ctx.channel().isWritable()) {
            ctx.read();
        }
    }

    private void respond(ChannelHandlerContext ctx, HttpRequest request) {
        if (closeAfterResponse) {
            return; // a pipelined request after one we answer with close
        }
        String location = location(request, httpsPort);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                location == null ? HttpResponseStatus.BAD_REQUEST : status);
        if (location != null) {
            response.headers().set(HttpHeaderNames.LOCATION, location);
        }
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO);
        boolean hasBody = HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
        boolean keepAlive = HttpUtil.isKeepAlive(request) && !hasBody && location != null;
        if (request.decoderResult().isFailure()) {
            // the codec could not parse the head: the connection's framing is unknown from here on
            response.setStatus(HttpResponseStatus.BAD_REQUEST);
            response.headers().remove(HttpHeaderNames.LOCATION);
            keepAlive = false;
        }
        if (keepAlive) {
            if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            ctx.write(response);
        } else {
            closeAfterResponse = true;
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The https URL for a request, or null when it names no usable host. */
    static String location(HttpRequest request, int httpsPort) {
        String target = request.uri();
        String host = request.headers().get(HttpHeaderNames.HOST);
        String pathAndQuery;
        if (target.startsWith("/")) {
            pathAndQuery = target;
        } else {
            int scheme = target.indexOf("://");
            if (scheme < 0) {
                return null; // "*" or authority-form
            }
            int pathStart = target.indexOf('/', scheme + 3);
            int queryStart = target.indexOf('?', scheme + 3);
            int end = pathStart < 0 ? queryStart : (queryStart < 0 ? pathStart : Math.min(pathStart, queryStart));
            host = end < 0 ? target.substring(scheme + 3) : target.substring(scheme + 3, end);
            String rest = end < 0 ? "" : target.substring(end);
            pathAndQuery = rest.startsWith("/") ? rest : "/" + rest;
        }
        String hostName = hostWithoutPort(host);
        if (hostName == null) {
            return null;
        }
        return "https://" + hostName + (httpsPort == 443 ? "" : ":" + httpsPort) + pathAndQuery;
    }

    /** {@code example.com:8080} -> {@code example.com}, {@code [::1]:80} -> {@code [::1]}; null if malformed. */
    static String hostWithoutPort(String host) {
        if (host == null || host.isEmpty()) {
            return null;
        }
        String name;
        String port = null;
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            if (end < 0) {
                return null;
            }
            name = host.substring(0, end + 1);
            for (int i = 1; i < end; i++) {
                char c = host.charAt(i);
                if (!(c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
                    return null;
                }
            }
            if (end + 1 < host.length()) {
                if (host.charAt(end + 1) != ':') {
                    return null;
                }
                port = host.substring(end + 2);
            }
        } else {
            int colon = host.indexOf(':');
            name = colon < 0 ? host : host.substring(0, colon);
            port = colon < 0 ? null : host.substring(colon + 1);
            if (name.isEmpty()) {
                return null;
            }
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                // letters, digits, '-', '.', '_' only: the value goes into a Location header and a URL authority
                if (!(Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '.' || c == '_')) {
                    return null;
                }
            }
        }
        if (port != null) {
            if (port.isEmpty() || port.length() > 5) {
                return null;
            }
            for (int i = 0; i < port.length(); i++) {
                if (port.charAt(i) < '0' || port.charAt(i) > '9') {
                    return null;
                }
            }
        }
        return name;
    }
}
