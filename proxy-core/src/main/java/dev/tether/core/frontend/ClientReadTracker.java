package dev.tether.core.frontend;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Sits before the HTTP decoder and tells the {@link FrontendHandler} that bytes arrived, so the whole-head
 * deadline can start at the first byte of a request and the body timeout measures real inactivity. Each read is
 * one event of the frontend's clock ({@code FrontendHandler.now}): one clock reading serves the whole read.
 */
final class ClientReadTracker extends ChannelInboundHandlerAdapter {

    private final FrontendHandler frontend;

    ClientReadTracker(FrontendHandler frontend) {
        this.frontend = frontend;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // One event for the frontend: the decoder runs inside, and so does whatever the request makes it do.
        frontend.beginEvent();
        try {
            frontend.onClientBytes();
            ctx.fireChannelRead(msg);
        } finally {
            frontend.endEvent();
        }
    }
}
