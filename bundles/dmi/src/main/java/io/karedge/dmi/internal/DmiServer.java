package io.karedge.dmi.internal;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC server on the DMI unix domain socket (Netty epoll, Linux only). A socket file left by an
 * earlier run is removed before binding; the new one is readable and writable by its owner only.
 */
final class DmiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DmiServer.class);

    private final Path socket;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Server server;

    private DmiServer(Path socket, EventLoopGroup boss, EventLoopGroup workers, Server server) {
        this.socket = socket;
        this.boss = boss;
        this.workers = workers;
        this.server = server;
    }

    static DmiServer start(Path socket, BindableService service) throws IOException {
        if (!Epoll.isAvailable()) {
            throw new IOException("the DMI socket needs Netty's native epoll transport, which is not available: "
                    + Epoll.unavailabilityCause());
        }
        Path parent = socket.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (Files.deleteIfExists(socket)) {
            LOG.info("Removed the stale DMI socket {}", socket);
        }
        EventLoopGroup boss = new EpollEventLoopGroup(1, new DefaultThreadFactory("karedge-dmi-accept", true));
        EventLoopGroup workers = new EpollEventLoopGroup(2, new DefaultThreadFactory("karedge-dmi-io", true));
        Server server = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers)
                // gRPC asks for TCP keep-alive on every accepted channel; a unix socket has none, and Netty
                // would log a WARN per connection (the mapper framework opens one per report)
                .withChildOption(ChannelOption.SO_KEEPALIVE, null)
                .addService(service)
                .build();
        try {
            server.start();
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | RuntimeException e) {
            server.shutdownNow();
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        LOG.info("DMI server listening on {}", socket);
        return new DmiServer(socket, boss, workers, server);
    }

    Path socket() {
        return socket;
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.debug("Cannot remove {}: {}", socket, e.toString());
        }
        LOG.info("DMI server on {} stopped", socket);
    }
}
