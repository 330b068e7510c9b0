package io.karedge.mesh.proxy.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local TCP listener of one Service port, on the Service's loopback address and the Service port.
 * New connections are balanced over the current {@link EndpointPool}; replacing the pool never touches
 * connections already relayed (they drain on their old endpoint). Closing the listener stops accepting;
 * open connections go on until either side closes them.
 */
final class PortListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PortListener.class);

    private final String name;
    private final InetAddress address;
    private final int port;
    private final Transport transport;
    private final int connectTimeoutMillis;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong noEndpoint = new AtomicLong();
    private volatile EndpointPool pool;
    private volatile Channel server;
    private volatile String error = "not bound yet";

    PortListener(String name, InetAddress address, int port, EndpointPool pool, Transport transport,
                 long connectTimeoutMillis) {
        this.name = name;
        this.address = address;
        this.port = port;
        this.pool = pool;
        this.transport = transport;
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, connectTimeoutMillis);
    }

    /** Binds; on failure logs one clear line and keeps the reason for the status. */
    synchronized boolean bind() {
        if (server != null) {
            return true;
        }
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(transport.group())
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, FrontendHandler.WATER_MARK)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, FrontendHandler.READS)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast("frontend",
                                new FrontendHandler(PortListener.this, transport, connectTimeoutMillis));
                    }
                });
        ChannelFuture binding = bootstrap.bind(new InetSocketAddress(address, port));
        if (!binding.awaitUninterruptibly(5, TimeUnit.SECONDS) || !binding.isSuccess()) {
            Throwable cause = binding.cause();
            String reason = cause == null ? "bind timed out" : cause.getMessage() == null ? cause.toString()
                    : cause.getMessage();
            if (port < 1024) {
                reason += " (ports below 1024 need CAP_NET_BIND_SERVICE or net.ipv4.ip_unprivileged_port_start)";
            }
            if (!reason.equals(error)) {
                LOG.warn("Mesh listener {} cannot bind {}:{}: {}; the other listeners keep working, retrying later",
                        name, address.getHostAddress(), port, reason);
            }
            error = reason;
            binding.channel().close();
            return false;
        }
        server = binding.channel();
        error = "";
        LOG.debug("Mesh listener {} on {}:{}", name, address.getHostAddress(), port);
        return true;
    }

    String name() {
        return name;
    }

    InetAddress address() {
        return address;
    }

    int port() {
        return port;
    }

    EndpointPool pool() {
        return pool;
    }

    void pool(EndpointPool next) {
        this.pool = next;
    }

    boolean listening() {
        Channel channel = server;
        return channel != null && channel.isActive();
    }

    String error() {
        return listening() ? "" : error;
    }

    int connections() {
        return connections.get();
    }

    long noEndpointCount() {
        return noEndpoint.get();
    }

    void connectionOpened() {
        connections.incrementAndGet();
    }

    void connectionClosed() {
        connections.decrementAndGet();
    }

    void noEndpoint() {
        noEndpoint.incrementAndGet();
    }

    @Override
    public synchronized void close() {
        Channel channel = server;
        server = null;
        error = "closed";
        if (channel != null) {
            channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
