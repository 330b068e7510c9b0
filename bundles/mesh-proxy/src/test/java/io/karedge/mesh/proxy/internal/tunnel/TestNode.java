package io.karedge.mesh.proxy.internal.tunnel;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A node's tunnel for tests, on its own loopback address, whose acceptor lets peers reach 127.0.0.1 on the
 * ports in {@link #endpoints} only. {@link #entry} opens a local listener whose connections are tunnelled
 * to an endpoint on another node, as the mesh's Service listeners do.
 */
final class TestNode implements AutoCloseable {

    /** The TLS engine of the nodes constructed from now on; a test class that sets it puts it back after. */
    static volatile TlsEngine engine = TlsEngine.AUTO;

    final String name;
    final Tunnel tunnel;
    final Set<Integer> endpoints = ConcurrentHashMap.newKeySet();
    final AtomicInteger openFailures = new AtomicInteger();
    private final EventLoopGroup group;
    private final List<Channel> entries = new CopyOnWriteArrayList<>();

    TestNode(String name, TunnelCredentials credentials, EventLoopGroup group, String bindIp, TunnelLimits limits)
            throws Exception {
        this(name, credentials, group, new InetSocketAddress(bindIp, 0), limits);
    }

    TestNode(String name, TunnelCredentials credentials, EventLoopGroup group, InetSocketAddress bind,
             TunnelLimits limits) throws Exception {
        this(name, credentials, group, bind, limits, false);
    }

    /** @param relay whether the node forwards streams between its peers */
    TestNode(String name, TunnelCredentials credentials, EventLoopGroup group, InetSocketAddress bind,
             TunnelLimits limits, boolean relay) throws Exception {
        this.name = name;
        this.group = group;
        this.tunnel = new Tunnel(credentials, limits, this::decide, group, NioSocketChannel.class,
                NioServerSocketChannel.class, io.netty.channel.socket.nio.NioDatagramChannel.class, relay, engine);
        tunnel.listen(bind);
    }

    private StreamAcceptor.Decision decide(String peer, OpenRequest request) {
        if (request.udp()) {
            return StreamAcceptor.Decision.refuse("udp");
        }
        if (!"127.0.0.1".equals(request.endpointIp()) || !endpoints.contains(request.endpointPort())) {
            return StreamAcceptor.Decision.refuse("not an endpoint of a known service");
        }
        return StreamAcceptor.Decision.dial(new InetSocketAddress("127.0.0.1", request.endpointPort()));
    }

    InetSocketAddress address() {
        return tunnel.address();
    }

    void dial(TestNode other) {
        tunnel.peer(other.name, List.of(other.address()));
    }

    /** @return the port on 127.0.0.1 whose connections are tunnelled to {@code node}'s 127.0.0.1:{@code port} */
    int entry(String node, int port) throws InterruptedException {
        return entry(node, port, tunnel.limits().connectMillis());
    }

    /** The same, each open failing if {@code node} has not answered within {@code answerMillis}. */
    int entry(String node, int port, long answerMillis) throws InterruptedException {
        Channel server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        OpenRequest request = OpenRequest.tcp("default", "echo", 80, "127.0.0.1", port);
                        tunnel.open(node, request, ch, answerMillis).addListener(done -> {
                            if (!done.isSuccess()) {
                                openFailures.incrementAndGet();
                                ch.close();
                            }
                        });
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        entries.add(server);
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        entries.forEach(Channel::close);
        tunnel.close();
    }
}
