package dev.tether.core.frontend;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;

/** Builds the pipeline of each accepted client connection. */
public final class FrontendInitializer extends ChannelInitializer<Channel> {

    public static final String READ_TRACKER = "client-read-tracker";
    public static final String CODEC = "http-server-codec";
    public static final String EXPECT_CONTINUE = "expect-continue";
    public static final String FRONTEND = "frontend";

    private final ListenerContext context;
    private final ChannelGroup clients;

    public FrontendInitializer(ListenerContext context, ChannelGroup clients) {
        this.context = context;
        this.clients = clients;
    }

    @Override
    protected void initChannel(Channel ch) {
        clients.add(ch);
        FrontendHandler frontend = new FrontendHandler(context);
        int maxUri = context.listener().maxUriLength();
        // The request line limit is the URI limit plus room for the method and version.
        ch.pipeline()
                .addLast(READ_TRACKER, new ClientReadTracker(frontend))
                .addLast(CODEC, new HttpServerCodec(maxUri + 32, context.listener().maxHeaderBytes(), 16 * 1024))
                .addLast(EXPECT_CONTINUE, new HttpServerExpectContinueHandler())
                .addLast(FRONTEND, frontend);
    }
}
