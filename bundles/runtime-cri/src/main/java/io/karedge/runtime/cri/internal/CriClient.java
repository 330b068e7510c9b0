package io.karedge.runtime.cri.internal;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.karedge.runtime.cri.v1.ImageServiceGrpc;
import io.karedge.runtime.cri.v1.RuntimeServiceGrpc;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import java.util.concurrent.TimeUnit;

/** One gRPC channel to the runtime's unix socket and the two CRI services on it, with per-call deadlines. */
final class CriClient implements AutoCloseable {

    private final EventLoopGroup group;
    private final ManagedChannel channel;
    private final long timeoutMillis;

    @SuppressWarnings("deprecation")
    CriClient(String socket, long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
        this.group = new EpollEventLoopGroup(1);
        this.channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket))
                .eventLoopGroup(group)
                .channelType(EpollDomainSocketChannel.class)
                .usePlaintext()
                .maxInboundMessageSize(16 * 1024 * 1024)
                .build();
    }

    RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime() {
        return runtime(timeoutMillis);
    }

    RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime(long deadlineMillis) {
        return RuntimeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
    }

    ImageServiceGrpc.ImageServiceBlockingStub images(long deadlineMillis) {
        return ImageServiceGrpc.newBlockingStub(channel).withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
    }

    ImageServiceGrpc.ImageServiceBlockingStub images() {
        return images(timeoutMillis);
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
