package io.karedge.mesh.proxy.internal.tunnel;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one outbound tunnel connection to a peer node: dials its addresses in turn, the next one at once when
 * an address fails before HELLO, and after a whole round of failed addresses, or after a connection that got
 * as far as HELLO closed, again after a backoff (100 ms doubling to 10 s, with jitter; reset by a connection that
 * got as far as HELLO). A link that was up dials the address it was up on first.
 */
final class PeerLink {

    private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);

    private final String node;
    private final TunnelContext context;
    private final TunnelTls tls;
    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelClass;
    private final Backoff backoff = new Backoff(100, 10_000);
    private volatile List<InetSocketAddress> addresses;
    private volatile boolean closed;
    private volatile TunnelConnection current;
    private volatile String lastError;
    private int next;
    private int failedInRound;

    PeerLink(String node, List<InetSocketAddress> addresses, TunnelContext context, TunnelTls tls,
             EventLoopGroup group, Class<? extends SocketChannel> channelClass) {
        this.node = node;
        this.addresses = List.copyOf(addresses);
        this.context = context;
        this.tls = tls;
        this.group = group;
        this.channelClass = channelClass;
    }

    String node() {
        return node;
    }

    List<InetSocketAddress> addresses() {
        return addresses;
    }

    /** New addresses take effect at the next dial; an open connection stays. */
    void addresses(List<InetSocketAddress> update) {
        this.addresses = List.copyOf(update);
    }

    /** @return the connection if it is ready, else null */
    TunnelConnection connection() {
        TunnelConnection connection = current;
        return connection != null && connection.isReady() ? connection : null;
    }

    String lastError() {
        return lastError;
    }

    void start() {
        dial();
    }

    private synchronized void dial() {
        if (closed) {
            return;
        }
        List<InetSocketAddress> targets = addresses;
        if (targets.isEmpty()) {
            lastError = "no address";
            return;
        }
        int index = Math.floorMod(next, targets.size());
        next = index + 1;
        InetSocketAddress address = targets.get(index);
        Promise<TunnelConnection> ready = group.next().newPromise();
        TunnelConnection connection = new TunnelConnection(context, TunnelConnection.Role.DIALER, node, ready);
        current = connection;
        AtomicBoolean retried = new AtomicBoolean();
        Runnable retryOnce = () -> {
            if (retried.compareAndSet(false, true)) {
                retry(ready.isSuccess(), index);
            }
        };
        ChannelFuture connecting = new Bootstrap()
                .group(group)
                .channel(channelClass)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) context.limits().connectMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        TunnelChannels.configure(ch, tls.client().newHandler(ch.alloc(),
                                address.getHostString(), address.getPort()), connection);
                    }
                })
                .connect(address);
        connecting.addListener(done -> {
            if (!done.isSuccess()) {
                lastError = "connect to " + address + ": " + TunnelConnection.rootMessage(done.cause());
                LOG.debug("Tunnel to {}: {}", node, lastError);
                connecting.channel().close();
                retryOnce.run();
            }
        });
        connecting.channel().closeFuture().addListener(f -> {
            if (connection.closeReason() != null && !"closed".equals(connection.closeReason())) {
                lastError = connection.closeReason();
            }
            retryOnce.run();
        });
        ready.addListener(done -> {
            if (done.isSuccess()) {
                synchronized (this) {
                    backoff.reset();
                }
                lastError = null;
            }
        });
    }

    /**
     * @param wasReady whether the connection that ended got as far as HELLO
     * @param index    the index of the address it was dialled at
     */
    private synchronized void retry(boolean wasReady, int index) {
        if (closed) {
            return;
        }
        if (wasReady) {
            backoff.reset();
            failedInRound = 0;
            next = index;
        } else if (++failedInRound < addresses.size()) {
            group.execute(this::dial);
            return;
        } else {
            failedInRound = 0;
        }
        long delay = backoff.next();
        group.schedule(this::dial, delay, TimeUnit.MILLISECONDS);
    }

    void close() {
        closed = true;
        TunnelConnection connection = current;
        if (connection != null && connection.channel() != null) {
            connection.channel().close();
        }
    }
}
