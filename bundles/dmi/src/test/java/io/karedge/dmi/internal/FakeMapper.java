package io.karedge.dmi.internal;

import com.google.protobuf.Message;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.karedge.dmi.internal.proto.CreateDeviceModelRequest;
import io.karedge.dmi.internal.proto.CreateDeviceModelResponse;
import io.karedge.dmi.internal.proto.DeviceMapperServiceGrpc;
import io.karedge.dmi.internal.proto.RegisterDeviceRequest;
import io.karedge.dmi.internal.proto.RegisterDeviceResponse;
import io.karedge.dmi.internal.proto.RemoveDeviceModelRequest;
import io.karedge.dmi.internal.proto.RemoveDeviceModelResponse;
import io.karedge.dmi.internal.proto.RemoveDeviceRequest;
import io.karedge.dmi.internal.proto.RemoveDeviceResponse;
import io.karedge.dmi.internal.proto.UpdateDeviceModelRequest;
import io.karedge.dmi.internal.proto.UpdateDeviceModelResponse;
import io.karedge.dmi.internal.proto.UpdateDeviceRequest;
import io.karedge.dmi.internal.proto.UpdateDeviceResponse;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A mapper's own gRPC server (DeviceMapperService) on a unix socket, recording what the edge pushes. */
final class FakeMapper extends DeviceMapperServiceGrpc.DeviceMapperServiceImplBase implements AutoCloseable {

    final List<Message> received = new CopyOnWriteArrayList<>();
    /** when set, calls are recorded but never answered */
    volatile boolean silent;
    /** when set, RegisterDevice is answered with this error */
    volatile Status refuseRegister;
    /** told of every request before it is answered */
    volatile java.util.function.Consumer<Message> onRequest = request -> { };
    private final Path socket;
    private final EventLoopGroup group = new EpollEventLoopGroup(1);
    private final Server server;

    FakeMapper(Path socket) throws IOException {
        this.socket = socket;
        Files.deleteIfExists(socket);
        this.server = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(group)
                .workerEventLoopGroup(group)
                .withChildOption(io.netty.channel.ChannelOption.SO_KEEPALIVE, null)
                .addService(this)
                .build()
                .start();
    }

    Path socket() {
        return socket;
    }

    <T extends Message> List<T> received(Class<T> type) {
        return received.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private <T> void answer(Message request, StreamObserver<T> observer, T response) {
        received.add(request);
        onRequest.accept(request);
        if (silent) {
            return;
        }
        observer.onNext(response);
        observer.onCompleted();
    }

    @Override
    public void registerDevice(RegisterDeviceRequest request, StreamObserver<RegisterDeviceResponse> observer) {
        if (refuseRegister != null) {
            received.add(request);
            observer.onError(refuseRegister.asRuntimeException());
            return;
        }
        answer(request, observer, RegisterDeviceResponse.newBuilder()
                .setDeviceName(request.getDevice().getName()).build());
    }

    @Override
    public void removeDevice(RemoveDeviceRequest request, StreamObserver<RemoveDeviceResponse> observer) {
        answer(request, observer, RemoveDeviceResponse.getDefaultInstance());
    }

    @Override
    public void updateDevice(UpdateDeviceRequest request, StreamObserver<UpdateDeviceResponse> observer) {
        answer(request, observer, UpdateDeviceResponse.getDefaultInstance());
    }

    @Override
    public void createDeviceModel(CreateDeviceModelRequest request,
                                  StreamObserver<CreateDeviceModelResponse> observer) {
        answer(request, observer, CreateDeviceModelResponse.newBuilder()
                .setDeviceModelName(request.getModel().getName()).build());
    }

    @Override
    public void removeDeviceModel(RemoveDeviceModelRequest request,
                                  StreamObserver<RemoveDeviceModelResponse> observer) {
        answer(request, observer, RemoveDeviceModelResponse.getDefaultInstance());
    }

    @Override
    public void updateDeviceModel(UpdateDeviceModelRequest request,
                                  StreamObserver<UpdateDeviceModelResponse> observer) {
        answer(request, observer, UpdateDeviceModelResponse.getDefaultInstance());
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
}
