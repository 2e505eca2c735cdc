package dev.tether.core.backend;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * Last handler of a backend pipeline: hands every decoded response message to the exchange using the connection.
 * A message arriving while the connection is idle in the pool is unexpected (a server must not talk unasked): it is
 * released and the connection closed, never reused.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {

    private BackendListener listener;
    private BackendConnection connection;
    private boolean unexpectedInput;

    void connection(BackendConnection connection) {
        this.connection = connection;
    }

    void listener(BackendListener listener) {
        this.listener = listener;
    }

    boolean sawUnexpectedInput() {
        return unexpectedInput;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        BackendListener l = listener;
        if (l != null) {
            l.onBackendMessage(connection, msg);
        } else {
            ReferenceCountUtil.release(msg);
            unexpectedInput = true;
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        BackendListener l = listener;
        if (l != null) {
            l.onBackendReadComplete(connection);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        BackendListener l = listener;
        if (l != null) {
            l.onBackendClosed(connection);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        BackendListener l = listener;
        if (l != null) {
            l.onBackendError(connection, cause);
        } else {
            ctx.close();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        BackendListener l = listener;
        if (l != null) {
            l.onBackendWritabilityChanged(connection);
        }
    }
}
