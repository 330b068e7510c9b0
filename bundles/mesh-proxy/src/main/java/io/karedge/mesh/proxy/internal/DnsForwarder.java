package io.karedge.mesh.proxy.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards queries for names outside the mesh to an upstream resolver over UDP, as the raw packets the
 * client sent (only the message ID is replaced, to keep clients apart), and sends the upstream's answer
 * back unchanged from the responder's socket. Unanswered queries are dropped after a timeout (the client
 * retries) and the next upstream is used from then on. Everything runs on the forwarding channel's event
 * loop.
 */
final class DnsForwarder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DnsForwarder.class);
    static final int MAX_PENDING = 4096;

    private record Pending(ChannelHandlerContext responder, InetSocketAddress client, int clientId, InetSocketAddress upstream,
                           long deadline) {
    }

    private final List<InetSocketAddress> upstreams;
    private final long timeoutNanos;
    private final DnsCounters counters;
    private final Map<Integer, Pending> pending = new HashMap<>();
    private Channel channel;
    private ScheduledFuture<?> sweeper;
    private int current;

    DnsForwarder(List<InetSocketAddress> upstreams, long timeoutMillis, DnsCounters counters) {
        this.upstreams = List.copyOf(upstreams);
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        this.counters = counters;
    }

    List<InetSocketAddress> upstreams() {
        return upstreams;
    }

    /** Opens the forwarding socket on an ephemeral port (loopback only when every upstream is). */
    void start(Transport transport) throws InterruptedException {
        boolean allLoopback = upstreams.stream().allMatch(a -> a.getAddress().isLoopbackAddress());
        ChannelFuture bound = new Bootstrap()
                .group(transport.group())
                .channel(transport.datagramChannel())
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        answer(packet);
                    }
                })
                .bind(new InetSocketAddress(allLoopback ? InetAddress.getLoopbackAddress() : null, 0)).sync();
        channel = bound.channel();
        long period = Math.max(50, TimeUnit.NANOSECONDS.toMillis(timeoutNanos) / 4);
        sweeper = channel.eventLoop().scheduleAtFixedRate(this::expire, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Sends a copy of {@code query} upstream; the caller keeps ownership of {@code query}. The answer is
     * written through {@code responder}, a context in front of the DNS encoder (raw bytes go out as
     * they came).
     */
    void forward(ByteBuf query, InetSocketAddress client, ChannelHandlerContext responder) {
        Channel forwarding = channel;
        if (forwarding == null || upstreams.isEmpty() || query.readableBytes() < 12) {
            return;
        }
        ByteBuf copy = query.copy();
        forwarding.eventLoop().execute(() -> send(forwarding, copy, client, responder));
    }

    private void send(Channel forwarding, ByteBuf copy, InetSocketAddress client, ChannelHandlerContext responder) {
        if (pending.size() >= MAX_PENDING) {
            copy.release();
            counters.upstreamFailures.incrementAndGet();
            return;
        }
        int id;
        do {
            id = ThreadLocalRandom.current().nextInt(65536);
        } while (pending.containsKey(id));
        int clientId = copy.getUnsignedShort(copy.readerIndex());
        copy.setShort(copy.readerIndex(), id);
        InetSocketAddress upstream = upstreams.get(current % upstreams.size());
        pending.put(id, new Pending(responder, client, clientId, upstream, System.nanoTime() + timeoutNanos));
        counters.forwarded.incrementAndGet();
        forwarding.writeAndFlush(new DatagramPacket(copy, upstream));
    }

    private void answer(DatagramPacket packet) {
        ByteBuf content = packet.content();
        if (content.readableBytes() < 12) {
            return;
        }
        int id = content.getUnsignedShort(content.readerIndex());
        Pending query = pending.get(id);
        if (query == null || !query.upstream().equals(packet.sender())) {
            return;
        }
        pending.remove(id);
        ByteBuf reply = content.retainedDuplicate();
        reply.setShort(reply.readerIndex(), query.clientId());
        query.responder().writeAndFlush(new DatagramPacket(reply, query.client()));
    }

    private void expire() {
        long now = System.nanoTime();
        boolean timedOut = false;
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            Pending query = it.next();
            if (now - query.deadline() > 0) {
                it.remove();
                counters.upstreamFailures.incrementAndGet();
                timedOut = true;
            }
        }
        if (timedOut && upstreams.size() > 1) {
            current++;
            LOG.info("DNS upstream did not answer in time; using {} next", upstreams.get(current % upstreams.size()));
        }
    }

    @Override
    public void close() {
        Channel forwarding = channel;
        channel = null;
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        if (forwarding != null) {
            forwarding.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }
}
