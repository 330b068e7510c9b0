package io.karedge.mesh.proxy.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsOpCode;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DNS responder (UDP): A queries for mesh names are answered with the Service's local address; other
 * record types for a mesh name get an empty NOERROR answer (so resolvers fall back to A); unknown names
 * under the cluster domain get NXDOMAIN; all other names are forwarded upstream, or REFUSED when
 * forwarding is off. Packets that are not a decodable query are dropped and counted.
 */
final class DnsResponder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DnsResponder.class);

    private final InetSocketAddress address;
    private final MeshNames names;
    private final int ttl;
    private final DnsForwarder forwarder;
    private final DnsCounters counters;
    private volatile Channel channel;
    private volatile String error = "not started";

    /** @param forwarder null when names outside the mesh are refused */
    DnsResponder(InetSocketAddress address, MeshNames names, int ttl, DnsForwarder forwarder, DnsCounters counters) {
        this.address = address;
        this.names = names;
        this.ttl = ttl;
        this.forwarder = forwarder;
        this.counters = counters;
    }

    /** Binds; on failure logs one clear line and keeps the reason for the status. */
    synchronized boolean bind(Transport transport) {
        if (channel != null) {
            return true;
        }
        ChannelFuture bound = new Bootstrap()
                .group(transport.group())
                .channel(transport.datagramChannel())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        RawTap tap = new RawTap();
                        ch.pipeline().addLast("tap", tap)
                                .addLast("decoder", new DatagramDnsQueryDecoder())
                                .addLast("encoder", new DatagramDnsResponseEncoder())
                                .addLast("queries", new QueryHandler(tap));
                    }
                })
                .bind(address);
        if (!bound.awaitUninterruptibly(5, TimeUnit.SECONDS) || !bound.isSuccess()) {
            Throwable cause = bound.cause();
            String reason = cause == null ? "bind timed out" : String.valueOf(cause.getMessage());
            if (address.getPort() < 1024) {
                reason += " (ports below 1024 need CAP_NET_BIND_SERVICE)";
            }
            if (!reason.equals(error)) {
                LOG.warn("DNS responder cannot bind udp {}: {}; the proxy keeps working without it, retrying later",
                        hostPort(), reason);
            }
            error = reason;
            bound.channel().close();
            return false;
        }
        channel = bound.channel();
        error = "";
        if (forwarder != null) {
            try {
                forwarder.start(transport);
            } catch (InterruptedException | RuntimeException e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                LOG.warn("DNS forwarding socket cannot be opened: {}; names outside the mesh are not answered", e.toString());
            }
        }
        LOG.info("DNS responder on udp {} (domain answers, {} forwarding)", hostPort(),
                forwarder == null ? "no" : "upstream " + forwarder.upstreams());
        return true;
    }

    DnsForwarder forwarder() {
        return forwarder;
    }

    boolean listening() {
        Channel current = channel;
        return current != null && current.isActive();
    }

    String error() {
        return listening() ? "" : error;
    }

    /** @return the bound address (the real port when 0 was configured) */
    InetSocketAddress localAddress() {
        Channel current = channel;
        return current == null ? address : (InetSocketAddress) current.localAddress();
    }

    String hostPort() {
        InetSocketAddress bound = localAddress();
        return bound.getAddress().getHostAddress() + ":" + bound.getPort();
    }

    @Override
    public synchronized void close() {
        Channel current = channel;
        channel = null;
        error = "closed";
        if (forwarder != null) {
            forwarder.close();
        }
        if (current != null) {
            current.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }

    /** Keeps the raw bytes of the packet being decoded, for forwarding them as they came; its context writes answers from upstream past the encoder. */
    private static final class RawTap extends ChannelInboundHandlerAdapter {
        ByteBuf current;
        volatile ChannelHandlerContext context;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            context = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof DatagramPacket packet) {
                current = packet.content().retainedDuplicate();
                try {
                    ctx.fireChannelRead(msg);
                } finally {
                    current.release();
                    current = null;
                }
            } else {
                ctx.fireChannelRead(msg);
            }
        }
    }

    private final class QueryHandler extends SimpleChannelInboundHandler<DatagramDnsQuery> {

        private final RawTap tap;

        QueryHandler(RawTap tap) {
            this.tap = tap;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
            if (query.count(DnsSection.QUESTION) != 1 || query.opCode() != DnsOpCode.QUERY) {
                counters.malformed.incrementAndGet();
                return;
            }
            counters.queries.incrementAndGet();
            DnsQuestion question = query.recordAt(DnsSection.QUESTION);
            MeshNames.Answer answer = names.resolve(question.name());
            switch (answer.outcome()) {
                case FOUND -> {
                    DatagramDnsResponse response = response(query, question, DnsResponseCode.NOERROR);
                    if (question.type() == DnsRecordType.A && question.dnsClass() == 1) {
                        response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(),
                                DnsRecordType.A, ttl, Unpooled.wrappedBuffer(answer.address().getAddress())));
                    }
                    counters.answered.incrementAndGet();
                    ctx.writeAndFlush(response);
                }
                case NXDOMAIN -> {
                    counters.nxdomain.incrementAndGet();
                    ctx.writeAndFlush(response(query, question, DnsResponseCode.NXDOMAIN));
                }
                default -> {
                    if (forwarder != null && tap.current != null) {
                        forwarder.forward(tap.current, query.sender(), tap.context);
                    } else {
                        counters.refused.incrementAndGet();
                        DatagramDnsResponse refused = response(query, question, DnsResponseCode.REFUSED);
                        refused.setAuthoritativeAnswer(false);
                        ctx.writeAndFlush(refused);
                    }
                }
            }
        }

        private DatagramDnsResponse response(DatagramDnsQuery query, DnsQuestion question, DnsResponseCode code) {
            DatagramDnsResponse response = new DatagramDnsResponse(query.recipient(), query.sender(), query.id(),
                    DnsOpCode.QUERY, code);
            response.setAuthoritativeAnswer(true);
            response.setRecursionDesired(query.isRecursionDesired());
            response.setRecursionAvailable(forwarder != null);
            response.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(question.name(), question.type(),
                    question.dnsClass()));
            return response;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            counters.malformed.incrementAndGet();
            LOG.debug("Ignoring a malformed DNS packet: {}", cause.toString());
        }
    }

    static InetSocketAddress address(String host, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("dns.address is not an address: " + host, e);
        }
    }
}
