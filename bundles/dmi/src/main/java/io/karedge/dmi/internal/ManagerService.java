package io.karedge.dmi.internal;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.karedge.api.twin.TwinEngine;
import io.karedge.api.twin.TwinOperation;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinReply;
import io.karedge.api.twin.TwinRequest;
import io.karedge.dmi.internal.proto.DeviceManagerServiceGrpc;
import io.karedge.dmi.internal.proto.MapperInfo;
import io.karedge.dmi.internal.proto.MapperRegisterRequest;
import io.karedge.dmi.internal.proto.MapperRegisterResponse;
import io.karedge.dmi.internal.proto.ReportDeviceStatesRequest;
import io.karedge.dmi.internal.proto.ReportDeviceStatesResponse;
import io.karedge.dmi.internal.proto.ReportDeviceStatusRequest;
import io.karedge.dmi.internal.proto.ReportDeviceStatusResponse;
import io.karedge.dmi.internal.proto.Twin;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code v1beta1.DeviceManagerService}: what mappers call. Every request is checked before anything
 * happens; reports are answered once the twin engine has applied them (or refused them), so a mapper
 * learns about an unknown device or a value the twin refuses from the gRPC status:
 *
 * <table>
 * <caption>gRPC status codes</caption>
 * <tr><td>INVALID_ARGUMENT</td><td>missing mapper, protocol, address, device name, twins, property name,
 * reported value or state; a value or type the twin engine refuses (400)</td></tr>
 * <tr><td>NOT_FOUND</td><td>the device is not a device of this node</td></tr>
 * <tr><td>RESOURCE_EXHAUSTED</td><td>the shared rate limit is used up</td></tr>
 * <tr><td>ABORTED</td><td>a version conflict in the twin engine (409)</td></tr>
 * <tr><td>DEADLINE_EXCEEDED</td><td>the twin engine did not answer within {@code report.timeout.ms}</td></tr>
 * <tr><td>INTERNAL</td><td>the twin engine failed (500)</td></tr>
 * </table>
 */
final class ManagerService extends DeviceManagerServiceGrpc.DeviceManagerServiceImplBase {

    private static final Logger LOG = LoggerFactory.getLogger(ManagerService.class);

    private final DeviceCatalog catalog;
    private final MapperHub hub;
    private final TwinEngine twins;
    private final TokenBucket limiter;
    private final long reportTimeoutMillis;
    private final Clock clock;

    ManagerService(DeviceCatalog catalog, MapperHub hub, TwinEngine twins, TokenBucket limiter,
                   long reportTimeoutMillis, Clock clock) {
        this.catalog = catalog;
        this.hub = hub;
        this.twins = twins;
        this.limiter = limiter;
        this.reportTimeoutMillis = reportTimeoutMillis;
        this.clock = clock;
    }

    @Override
    public void mapperRegister(MapperRegisterRequest request, StreamObserver<MapperRegisterResponse> response) {
        MapperInfo mapper = request.getMapper();
        try {
            limit("register mapper " + mapper.getName());
            require(request.hasMapper(), "the request has no mapper");
            require(!mapper.getProtocol().isEmpty(), "the mapper has no protocol");
            String address = mapper.getAddress().toString(StandardCharsets.UTF_8).trim();
            require(!address.isEmpty(), "the mapper has no address (its socket path)");
            if (address.startsWith("unix://")) {
                address = address.substring("unix://".length());
            }
            String name = mapper.getName().isEmpty() ? mapper.getProtocol() : mapper.getName();
            if (!request.getWithData()) {
                LOG.info("Mapper {} ({}) registered without data: it is not registered as a push target", name,
                        mapper.getProtocol());
                reply(response, MapperRegisterResponse.getDefaultInstance());
                return;
            }
            MapperRecord record = new MapperRecord(name, mapper.getVersion(), mapper.getApiVersion(),
                    mapper.getProtocol(), address, clock.instant());
            MapperRegisterResponse answer = catalog.register(record.protocol(), snapshot -> {
                hub.attach(record);
                return snapshot.toResponse();
            });
            LOG.info("Mapper {} {} registered for protocol {} at {}; it gets {} device(s)", name,
                    mapper.getVersion(), mapper.getProtocol(), address, answer.getDeviceListCount());
            reply(response, answer);
        } catch (StatusRuntimeException e) {
            response.onError(e);
        }
    }

    @Override
    public void reportDeviceStatus(ReportDeviceStatusRequest request,
                                   StreamObserver<ReportDeviceStatusResponse> response) {
        List<TwinRequest> updates = new ArrayList<>();
        String deviceId;
        try {
            limit("report device status of " + request.getDeviceName());
            deviceId = member(request.getDeviceNamespace(), request.getDeviceName());
            require(request.hasReportedDevice(), "the request has no reportedDevice");
            require(request.getReportedDevice().getTwinsCount() > 0, "the reported device has no twins");
            String namespace = namespace(request.getDeviceNamespace());
            long now = clock.millis();
            Map<String, String> observed = new HashMap<>();
            Map<String, String> reported = new HashMap<>();
            for (Twin twin : request.getReportedDevice().getTwinsList()) {
                if (twin.hasObservedDesired()) {
                    observed.put(twin.getPropertyName(), twin.getObservedDesired().getValue());
                }
                if (twin.hasReported()) {
                    reported.put(twin.getPropertyName(), twin.getReported().getValue());
                }
            }
            catalog.observed(namespace, request.getDeviceName(), observed, reported, now);
            hub.reported(catalog.protocolOf(namespace, request.getDeviceName()), clock.instant());
            for (Twin twin : request.getReportedDevice().getTwinsList()) {
                require(!twin.getPropertyName().isEmpty(), "a twin has no propertyName");
                require(twin.hasReported(), "twin " + twin.getPropertyName() + " has no reported value");
                updates.add(TwinRequest.ofJson(TwinOperation.TWIN_UPDATE, deviceId,
                        TwinReports.twinUpdate(twin,
                                catalog.twinType(namespace, request.getDeviceName(), twin.getPropertyName()), now),
                        TwinOrigin.MAPPER));
            }
        } catch (StatusRuntimeException e) {
            response.onError(e);
            return;
        }
        apply(deviceId, updates, response, ReportDeviceStatusResponse.getDefaultInstance());
    }

    @Override
    public void reportDeviceStates(ReportDeviceStatesRequest request,
                                   StreamObserver<ReportDeviceStatesResponse> response) {
        String deviceId;
        try {
            limit("report device states of " + request.getDeviceName());
            deviceId = member(request.getDeviceNamespace(), request.getDeviceName());
            require(!request.getState().isEmpty(), "the request has no state");
            hub.reported(catalog.protocolOf(namespace(request.getDeviceNamespace()), request.getDeviceName()),
                    clock.instant());
        } catch (StatusRuntimeException e) {
            response.onError(e);
            return;
        }
        apply(deviceId, List.of(TwinRequest.ofJson(TwinOperation.STATE_UPDATE, deviceId,
                TwinReports.stateUpdate(request.getState(), clock.millis()), TwinOrigin.MAPPER)),
                response, ReportDeviceStatesResponse.getDefaultInstance());
    }

    /** Hands the requests to the twin engine and answers when all are done; never blocks the caller. */
    private <T> void apply(String deviceId, List<TwinRequest> requests, StreamObserver<T> response, T ok) {
        List<CompletableFuture<TwinReply>> replies = new ArrayList<>();
        for (TwinRequest request : requests) {
            try {
                replies.add(twins.handle(request).toCompletableFuture());
            } catch (RuntimeException e) {
                replies.add(CompletableFuture.failedFuture(e));
            }
        }
        CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new))
                .orTimeout(reportTimeoutMillis, TimeUnit.MILLISECONDS)
                .whenComplete((ignored, error) -> {
                    Status status = error != null ? failure(deviceId, error) : firstRefusal(deviceId, replies);
                    if (status == null) {
                        reply(response, ok);
                    } else {
                        response.onError(status.asRuntimeException());
                    }
                });
    }

    private static Status firstRefusal(String deviceId, List<CompletableFuture<TwinReply>> replies) {
        for (CompletableFuture<TwinReply> future : replies) {
            TwinReply reply = future.join();
            if (!reply.ok()) {
                LOG.debug("Twin engine refused a report for {}: {} {}", deviceId, reply.code(), reply.reason());
                return statusOf(reply.code()).withDescription(deviceId + ": "
                        + (reply.reason() == null ? "refused with code " + reply.code() : reply.reason()));
            }
        }
        return null;
    }

    static Status statusOf(int code) {
        return switch (code) {
            case 400 -> Status.INVALID_ARGUMENT;
            case 404 -> Status.NOT_FOUND;
            case 409 -> Status.ABORTED;
            default -> Status.INTERNAL;
        };
    }

    private static Status failure(String deviceId, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof TimeoutException) {
            return Status.DEADLINE_EXCEEDED.withDescription("the twin engine did not answer in time for " + deviceId);
        }
        LOG.warn("Twin engine failed on a report for {}", deviceId, cause);
        return Status.INTERNAL.withDescription("the twin engine failed for " + deviceId + ": " + cause);
    }

    private String member(String namespace, String name) {
        require(!name.isEmpty(), "the request has no deviceName");
        String ns = namespace(namespace);
        if (!catalog.isMember(ns, name)) {
            throw Status.NOT_FOUND.withDescription("device " + ns + "/" + name + " is not a device of this node")
                    .asRuntimeException();
        }
        return ns + "/" + name;
    }

    private static String namespace(String namespace) {
        return namespace.isEmpty() ? "default" : namespace;
    }

    private void limit(String what) {
        if (!limiter.tryAcquire()) {
            throw Status.RESOURCE_EXHAUSTED.withDescription("too many requests, cannot " + what).asRuntimeException();
        }
    }

    private static void require(boolean condition, String problem) {
        if (!condition) {
            throw Status.INVALID_ARGUMENT.withDescription(problem).asRuntimeException();
        }
    }

    private static <T> void reply(StreamObserver<T> response, T value) {
        response.onNext(value);
        response.onCompleted();
    }
}
