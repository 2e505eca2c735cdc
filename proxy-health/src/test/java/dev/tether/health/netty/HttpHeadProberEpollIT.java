package dev.tether.health.netty;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;

/** The {@link HttpHeadProberIT} tests on native epoll, the transport production uses on Linux. */
class HttpHeadProberEpollIT extends HttpHeadProberIT {

    @Override
    EventLoopGroup newGroup() {
        assumeTrue(Epoll.isAvailable(), () -> "epoll is not available: " + Epoll.unavailabilityCause());
        return new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @Override
    Class<? extends SocketChannel> channelType() {
        return EpollSocketChannel.class;
    }
}
