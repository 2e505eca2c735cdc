package dev.tether.core.frontend;

import dev.tether.core.http.ConnectionLimiter;
import dev.tether.core.http.ConnectionLimits;
import dev.tether.core.http.RawRequestScanner;
import dev.tether.core.http.RequestValidator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import dev.tether.core.frontdoor.HttpsRedirectHandler;
import io.netty.handler.codec.http.HttpServerCodec;

/** Builds the pipeline of each accepted client connection. */
public final class FrontendInitializer extends ChannelInitializer<Channel> {

    public static final String LIMITER = "connection-limiter";
    public static final String READ_TRACKER = "client-read-tracker";
    public static final String SCANNER = "raw-request-scanner";
    public static final String CODEC = "http-server-codec";
    public static final String VALIDATOR = "request-validator";
    public static final String FRONTEND = "frontend";

    private final ListenerContext context;
    private final ChannelGroup clients;
    private final ConnectionLimits limits;

    /**
     * @param limits this listener's connection caps (total and per client IP), with the proxy-wide cap as parent
     */
    public FrontendInitializer(ListenerContext context, ChannelGroup clients, ConnectionLimits limits) {
        this.context = context;
        this.clients = clients;
        this.limits = limits;
    }

    @Override
    protected void initChannel(Channel ch) {
        clients.add(ch);
        // PROXY protocol and TLS come first, in wire order.
        context.frontDoor().initConnection(ch, context.events());
        // Before everything, TLS included: a refused connection costs no handshake.
        ch.pipeline().addFirst(LIMITER, new ConnectionLimiter(limits));
        int maxUri = context.listener().maxUriLength();
        // The request line limit is the URI limit plus room for the method and version.
        HttpServerCodec codec = new HttpServerCodec(maxUri + 32, context.listener().maxHeaderBytes(), 16 * 1024);
        if (context.frontDoor().redirects()) {
            // An http listener that only sends clients to https: nothing is forwarded.
            ch.pipeline().addLast(CODEC, codec).addLast(HttpsRedirectHandler.NAME, context.frontDoor().newRedirectHandler());
            return;
        }
        FrontendHandler frontend = new FrontendHandler(context);
        ch.pipeline()
                .addLast(READ_TRACKER, new ClientReadTracker(frontend))
                .addLast(SCANNER, new RawRequestScanner())
                .addLast(CODEC, codec)
                .addLast(VALIDATOR, new RequestValidator(context.listener().name(), context.events(),
                        RequestValidator.UnderscoreHeaders.DROP, context.listener().minBodyRate(),
                        context.listener().minBodyRateGrace()))
                .addLast(FRONTEND, frontend);
    }
}
