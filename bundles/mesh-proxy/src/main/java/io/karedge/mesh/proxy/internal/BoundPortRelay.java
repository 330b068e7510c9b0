package io.karedge.mesh.proxy.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the TCP and UDP relays of a Service port share: the address and port they bind, the endpoint
 * pool for new traffic, and binding that reports a failure once and is retried by the caller.
 */
abstract class BoundPortRelay implements PortRelay {

    private static final Logger LOG = LoggerFactory.getLogger(BoundPortRelay.class);

    private final String name;
    private final InetAddress address;
    private final int port;
    private final AtomicLong noEndpoint = new AtomicLong();
    /** bytes from clients relayed to endpoints */
    private final LongAdder bytesIn = new LongAdder();
    /** bytes from endpoints relayed back to clients */
    private final LongAdder bytesOut = new LongAdder();
    private volatile EndpointPool pool;
    private volatile Channel server;
    private volatile String error = "not bound yet";

    BoundPortRelay(String name, InetAddress address, int port, EndpointPool pool) {
        this.name = name;
        this.address = address;
        this.port = port;
        this.pool = pool;
    }

    /** Starts binding the relay's channel to {@code at}. */
    abstract ChannelFuture startBind(InetSocketAddress at);

    /** Ends what the relay holds besides its bound channel (called by {@link #close()}). */
    void closeOpenTraffic() {
    }

    @Override
    public synchronized boolean bind() {
        if (server != null) {
            return true;
        }
        ChannelFuture binding = startBind(new InetSocketAddress(address, port));
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

    /** Counts a connection or datagram turned away because the port had no endpoint. */
    void noEndpoint() {
        noEndpoint.incrementAndGet();
    }

    /** @return connections or datagrams turned away because the port had no endpoint */
    long noEndpointCount() {
        return noEndpoint.get();
    }

    /** @return the counter of bytes from clients relayed to endpoints, for the relay handlers */
    LongAdder bytesInCounter() {
        return bytesIn;
    }

    /** @return the counter of bytes from endpoints relayed back to clients, for the relay handlers */
    LongAdder bytesOutCounter() {
        return bytesOut;
    }

    @Override
    public long bytesIn() {
        return bytesIn.sum();
    }

    @Override
    public long bytesOut() {
        return bytesOut.sum();
    }

    @Override
    public EndpointPool pool() {
        return pool;
    }

    @Override
    public void pool(EndpointPool next) {
        this.pool = next;
    }

    @Override
    public boolean listening() {
        Channel channel = server;
        return channel != null && channel.isActive();
    }

    @Override
    public String error() {
        return listening() ? "" : error;
    }

    @Override
    public synchronized void close() {
        Channel channel = server;
        server = null;
        error = "closed";
        closeOpenTraffic();
        if (channel != null) {
            channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
