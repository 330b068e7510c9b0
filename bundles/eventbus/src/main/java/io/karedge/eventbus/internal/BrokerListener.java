package io.karedge.eventbus.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listening socket of the broker. When its address can't be bound (the port is taken, or the address
 * is not on the host yet, as on a gateway whose network comes up after the node), the broker still starts:
 * the listener says why it is not listening and binds again every {@code bind.retry.ms} until it succeeds
 * or is closed. Other failures are errors of the configuration and are thrown.
 */
final class BrokerListener {

    private static final Logger LOG = LoggerFactory.getLogger(MqttBroker.class);

    private final String label;
    private final ServerBootstrap bootstrap;
    private final String host;
    private final int port;
    private final long retryMillis;
    private final EventLoopGroup scheduler;
    private volatile Channel channel;
    private volatile String problem;
    private int failures;
    private ScheduledFuture<?> retry;
    private boolean closed;

    BrokerListener(String label, ServerBootstrap bootstrap, String host, int port, long retryMillis,
                   EventLoopGroup scheduler) {
        this.label = label;
        this.bootstrap = bootstrap;
        this.host = host;
        this.port = port;
        this.retryMillis = retryMillis;
        this.scheduler = scheduler;
    }

    /** Binds now; returns when listening or, if the address can't be bound yet, once the retry is planned. */
    void open() throws InterruptedException {
        ChannelFuture bound = bootstrap.bind(host, port).await();
        if (!bound.isSuccess() && !(bound.cause() instanceof BindException)) {
            throw new IllegalStateException(label + " " + host + ":" + port + ": " + bound.cause().getMessage(),
                    bound.cause());
        }
        settle(bound);
    }

    private void bindAgain() {
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        bootstrap.bind(host, port).addListener((ChannelFuture bound) -> settle(bound));
    }

    private synchronized void settle(ChannelFuture bound) {
        if (closed) {
            if (bound.isSuccess()) {
                bound.channel().close();
            }
            return;
        }
        if (bound.isSuccess()) {
            channel = bound.channel();
            problem = null;
            if (failures == 0) {
                LOG.info("MQTT broker listening{} on {}", label, channel.localAddress());
            } else {
                LOG.info("MQTT broker listening{} on {} after {} failed attempt(s) to bind", label,
                        channel.localAddress(), failures);
            }
            return;
        }
        failures++;
        String reason = bound.cause().getMessage();
        problem = "cannot bind " + host + ":" + port + ": " + reason + " (attempt " + failures + ", next in "
                + retryMillis + " ms)";
        if (failures == 1) {
            LOG.warn("MQTT broker cannot listen{} on {}:{}: {}; MQTT clients can't connect until it can,"
                    + " trying again every {} ms", label, host, port, reason, retryMillis);
        } else {
            LOG.debug("MQTT broker still cannot listen{} on {}:{}: {}", label, host, port, reason);
        }
        retry = scheduler.schedule(this::bindAgain, retryMillis, TimeUnit.MILLISECONDS);
    }

    boolean listening() {
        Channel current = channel;
        return current != null && current.isActive();
    }

    /** @return the bound address, or the configured one while not listening */
    InetSocketAddress address() {
        Channel current = channel;
        return current == null ? new InetSocketAddress(host, port) : (InetSocketAddress) current.localAddress();
    }

    /** @return why it is not listening, or null while it listens */
    String problem() {
        return problem;
    }

    void close() {
        Channel current;
        synchronized (this) {
            closed = true;
            if (retry != null) {
                retry.cancel(false);
            }
            current = channel;
            channel = null;
        }
        if (current != null) {
            current.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
