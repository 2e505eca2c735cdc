package dev.tether.core.frontdoor;

import dev.tether.core.log.ExchangeListener;
import dev.tether.core.tls.ReloadingSslContext;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AsciiString;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The front door of one listener, ready to put into its connections: owns the listener's reloading TLS context
 * and hands out the per-connection and per-request pieces.
 *
 * <pre>
 *   at start:            frontDoor = FrontDoor.start(listener.name(), listener.frontDoor())
 *   initChannel(ch):     frontDoor.initConnection(ch, events)  [proxy-protocol decoder + handler] [ssl]
 *                        ch.pipeline().addLast(HttpServerCodec, timeouts, ...)
 *                        frontDoor.redirects() ? addLast(frontDoor.newRedirectHandler()) : addLast(FrontendHandler)
 *   per request head:    ClientAddress client = frontDoor.clientAddress(ch, request.headers())
 *                        X-Forwarded-For = client.forwardedFor(), X-Forwarded-Proto = frontDoor.forwardedProto(...)
 *   per response head:   frontDoor.config().responseHeaders().apply(response.headers(), serverName)
 *   at stop:             frontDoor.close()
 * </pre>
 */
public final class FrontDoor implements AutoCloseable {

    public static final String SSL_HANDLER_NAME = "ssl";

    public static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");

    private final String listenerName;
    private final FrontDoorConfig config;
    private final ReloadingSslContext tls;

    private FrontDoor(String listenerName, FrontDoorConfig config, ReloadingSslContext tls) {
        this.listenerName = listenerName;
        this.config = config;
        this.tls = tls;
    }

    /**
     * Loads the certificate (when the listener has {@code tls}) and starts watching it. Blocking file I/O: call at
     * start-up, not on an event loop.
     *
     * @throws IllegalArgumentException when the certificate files are not usable; the message names the file
     */
    public static FrontDoor start(String listenerName, FrontDoorConfig config) {
        return new FrontDoor(listenerName, config,
                config.isTls() ? ReloadingSslContext.start(listenerName, config.tls()) : null);
    }

    /** For tests and embedders that built the TLS context themselves (for example with a chosen provider). */
    public static FrontDoor of(String listenerName, FrontDoorConfig config, ReloadingSslContext tls) {
        return new FrontDoor(listenerName, config, tls);
    }

    public FrontDoorConfig config() {
        return config;
    }

    /** The TLS context, or null on a plain listener. */
    public ReloadingSslContext tls() {
        return tls;
    }

    /**
     * Adds the connection-level handlers at the head of a new client pipeline, in wire order: the PROXY header
     * comes before the TLS handshake, which comes before HTTP. Call first in {@code initChannel}; add the HTTP
     * codec and the rest with {@code addLast} afterwards.
     */
    public void initConnection(Channel channel) {
        initConnection(channel, ExchangeListener.NONE);
    }

    /**
     * As {@link #initConnection(Channel)}, reporting each TLS handshake's outcome to
     * {@link ExchangeListener#tlsHandshake}; a connection closed before its handshake finished counts as failed.
     */
    public void initConnection(Channel channel, ExchangeListener events) {
        ChannelPipeline pipeline = channel.pipeline();
        if (tls != null) {
            SslHandler ssl = tls.newHandler(channel.alloc());
            if (events != ExchangeListener.NONE) {
                ssl.handshakeFuture().addListener(done -> events.tlsHandshake(listenerName, done.isSuccess()));
            }
            pipeline.addFirst(SSL_HANDLER_NAME, ssl);
        }
        if (config.proxyProtocol()) {
            ProxyProtocolHandler.addTo(pipeline);
        }
    }

    public boolean redirects() {
        return config.redirectsToHttps();
    }

    /** The handler that answers every request with a redirect, in place of the forwarding handler. */
    public HttpsRedirectHandler newRedirectHandler() {
        return config.newRedirectHandler();
    }

    /** The client and the X-Forwarded-For to send, for one request on this listener. */
    public ClientAddress clientAddress(Channel channel, HttpHeaders requestHeaders) {
        return ClientAddress.resolve(channel, requestHeaders, config.trustedProxies());
    }

    /** The X-Forwarded-Proto to send, for one request on this listener. */
    public String forwardedProto(Channel channel, HttpHeaders requestHeaders) {
        InetAddress peer = channel.remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null;
        return config.forwardedProto(peer, requestHeaders.get(X_FORWARDED_PROTO));
    }

    @Override
    public void close() {
        if (tls != null) {
            tls.close();
        }
    }
}
