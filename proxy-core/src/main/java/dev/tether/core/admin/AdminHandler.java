package dev.tether.core.admin;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one admin connection: checks the peer's address, then basic auth, then hands the request to the
 * endpoint registered for its path. One instance per connection.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);
    /** Paths of the runtime API, which {@link AdminConfig#apiToken()} protects. */
    static final String API_PREFIX = "/api/";

    private final List<Cidr> allowed;
    private final Map<String, AdminEndpoint> endpoints;
    private final byte[] expectedAuthorization;
    private final byte[] expectedBearer;
    private Boolean peerAllowed;

    AdminHandler(List<Cidr> allowed, AdminConfig config, Map<String, AdminEndpoint> endpoints) {
        this.allowed = allowed;
        this.endpoints = endpoints;
        this.expectedAuthorization = config.authRequired()
                ? Base64.getEncoder()
                        .encodeToString((config.basicAuthUser() + ":" + config.basicAuthPassword())
                                .getBytes(StandardCharsets.UTF_8))
                        .getBytes(StandardCharsets.US_ASCII)
                : null;
        this.expectedBearer =
                config.apiToken() == null ? null : config.apiToken().getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!peerAllowed(ctx)) {
            // Nothing but the status: an outsider learns neither paths nor whether auth is on.
            send(ctx, request, AdminResponse.text(403, "403 Forbidden"), true);
            return;
        }
        if (request.decoderResult().isFailure()) {
            send(ctx, request, AdminResponse.text(400, "400 Bad Request"), true);
            return;
        }
        QueryStringDecoder query = new QueryStringDecoder(request.uri());
        // With an API token, the runtime API takes the token instead of basic auth (scripts and the CLI hold it).
        if (expectedBearer != null && query.path().startsWith(API_PREFIX)) {
            if (!bearerAuthorised(request)) {
                FullHttpResponse response = response(request, AdminResponse.text(401, "401 Unauthorized"));
                response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"tether api\"");
                write(ctx, request, response, false);
                return;
            }
        } else if (expectedAuthorization != null && !authorised(request)) {
            FullHttpResponse response = response(request, AdminResponse.text(401, "401 Unauthorized"));
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"tether admin\", charset=\"UTF-8\"");
            write(ctx, request, response, false);
            return;
        }
        AdminEndpoint endpoint = endpoints.get(query.path());
        if (endpoint == null) {
            send(ctx, request, AdminResponse.text(404, "404 Not Found: " + query.path()), false);
            return;
        }
        AdminResponse answer;
        try {
            answer = endpoint.handle(new AdminRequest(request.method().name(), query.path(), query.parameters(),
                    request.content().toString(StandardCharsets.UTF_8)));
        } catch (RuntimeException e) {
            log.error("admin endpoint {} failed on {} {}", query.path(), request.method(), request.uri(), e);
            answer = AdminResponse.text(500, "500 Internal Server Error: " + e);
        }
        send(ctx, request, answer, false);
    }

    private boolean peerAllowed(ChannelHandlerContext ctx) {
        if (peerAllowed == null) {
            if (allowed.isEmpty()) {
                peerAllowed = true;
            } else if (ctx.channel().remoteAddress() instanceof InetSocketAddress peer && peer.getAddress() != null) {
                peerAllowed = allowed.stream().anyMatch(c -> c.contains(peer.getAddress()));
                if (!peerAllowed) {
                    log.debug("admin: refused {} from {} (not in admin.allowed-cidrs {})", ctx.channel().id(),
                            peer, allowed);
                }
            } else {
                peerAllowed = false;
            }
        }
        return peerAllowed;
    }

    private boolean bearerAuthorised(FullHttpRequest request) {
        String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(header.substring(7).strip().getBytes(StandardCharsets.US_ASCII), expectedBearer);
    }

    private boolean authorised(FullHttpRequest request) {
        String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (header == null || header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        byte[] given = header.substring(6).strip().getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(given, expectedAuthorization);
    }

    private void send(ChannelHandlerContext ctx, FullHttpRequest request, AdminResponse answer, boolean close) {
        write(ctx, request, response(request, answer), close);
    }

    private static FullHttpResponse response(FullHttpRequest request, AdminResponse answer) {
        boolean head = request.method().equals(HttpMethod.HEAD);
        HttpVersion version = request.protocolVersion() == HttpVersion.HTTP_1_0 ? HttpVersion.HTTP_1_0
                : HttpVersion.HTTP_1_1;
        FullHttpResponse response = new DefaultFullHttpResponse(version, HttpResponseStatus.valueOf(answer.status()),
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(answer.body()));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, answer.contentType())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, answer.body().length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        if (answer.status() == 405) {
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
        }
        return response;
    }

    private static void write(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response,
            boolean close) {
        boolean keepAlive = !close && HttpUtil.isKeepAlive(request) && !request.decoderResult().isFailure();
        if (keepAlive) {
            if (request.protocolVersion() == HttpVersion.HTTP_1_0) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof ReadTimeoutException) {
            log.debug("admin: closing idle {}", ctx.channel().id());
        } else {
            log.debug("admin: closing {} after {}", ctx.channel().id(), cause.toString());
        }
        ctx.close();
    }
}
