package io.karedge.mesh.proxy.internal;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's one event-loop group and the channel classes that go with it: native epoll when the
 * native library loads ({@link Epoll#isAvailable()}), NIO otherwise. Listeners, the connections they
 * accept, the connections to endpoints and DNS all run on it; a proxied connection and its endpoint
 * connection share one event loop, so relaying never crosses threads. With epoll, relayed bytes are
 * moved by splice(2) (socket to pipe to socket inside the kernel) unless that is switched off.
 */
final class Transport implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Transport.class);

    private final boolean epoll;
    private final boolean splice;
    private final EventLoopGroup group;

    private Transport(boolean epoll, int threads, boolean splice) {
        this.epoll = epoll;
        this.splice = epoll && splice;
        IoHandlerFactory handler = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("karedge-mesh-io", true),
                handler);
    }

    static Transport create(boolean preferNative, int threads, boolean splice) {
        boolean useEpoll = false;
        if (preferNative) {
            try {
                useEpoll = Epoll.isAvailable();
                if (!useEpoll) {
                    LOG.info("Native epoll not available ({}); using NIO", String.valueOf(Epoll.unavailabilityCause()));
                }
            } catch (LinkageError e) {
                LOG.info("Native epoll classes not available ({}); using NIO", e.toString());
            }
        }
        return new Transport(useEpoll, threads, splice);
    }

    boolean isEpoll() {
        return epoll;
    }

    /** Whether relayed connections move their bytes with splice(2) (epoll only). */
    boolean splice() {
        return splice;
    }

    EventLoopGroup group() {
        return group;
    }

    Class<? extends ServerChannel> serverChannel() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    Class<? extends SocketChannel> socketChannel() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    Class<? extends DatagramChannel> datagramChannel() {
        return epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
