package io.karedge.dmi.internal;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.karedge.dmi.MapperState;
import io.karedge.dmi.MapperStatus;
import io.karedge.dmi.internal.proto.CreateDeviceModelRequest;
import io.karedge.dmi.internal.proto.DeviceMapperServiceGrpc;
import io.karedge.dmi.internal.proto.DeviceMapperServiceGrpc.DeviceMapperServiceStub;
import io.karedge.dmi.internal.proto.RegisterDeviceRequest;
import io.karedge.dmi.internal.proto.RemoveDeviceModelRequest;
import io.karedge.dmi.internal.proto.RemoveDeviceRequest;
import io.karedge.dmi.internal.proto.UpdateDeviceModelRequest;
import io.karedge.dmi.internal.proto.UpdateDeviceRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge node's side of one mapper: a channel to the mapper's socket and the pushes it still owes it, sent
 * one at a time, in order, without ever blocking a thread.
 *
 * <p>A push that the mapper answers, even with an error, is done (an error is logged; the mapper decides
 * what it accepts). A push that cannot be delivered (socket missing, refused, no answer within
 * {@code callTimeoutMillis}) stays at the head of the queue and is tried again after an exponential
 * back-off, or as soon as the channel connects. A newer push for a subject that is still queued replaces
 * the queued one ({@link Push#fold}).
 *
 * <p>Reachability is followed through the channel's connectivity: connected means {@link MapperState#REACHABLE},
 * a failed connection attempt or push means {@link MapperState#UNREACHABLE}.
 */
final class MapperConnection {

    /** Told of every state change, on an arbitrary thread, without the connection's lock held. */
    interface Listener {
        void stateChanged(MapperConnection connection, MapperState before, MapperState after);
    }

    private static final Logger LOG = LoggerFactory.getLogger(MapperConnection.class);

    private final MapperRecord record;
    private final ManagedChannel channel;
    private final DeviceMapperServiceStub stub;
    private final ScheduledExecutorService scheduler;
    private final long callTimeoutMillis;
    private final Backoff backoff;
    private final Listener listener;
    private final List<Push> queue = new ArrayList<>();
    private boolean inFlight;
    private boolean closed;
    private ScheduledFuture<?> retry;
    private MapperState state = MapperState.CONNECTING;
    private String lastError;
    /** until then (System.nanoTime), a mapper that cannot be reached yet is still connecting */
    private final long graceEndNanos;

    MapperConnection(MapperRecord record, ManagedChannel channel, ScheduledExecutorService scheduler,
                     long callTimeoutMillis, Backoff backoff, Listener listener) {
        this(record, channel, scheduler, callTimeoutMillis, backoff, listener, 0);
    }

    /**
     * @param graceMillis how long a mapper that cannot be reached yet still counts as connecting: the mapper
     *                    framework starts its own server only after {@code MapperRegister} has returned
     */
    MapperConnection(MapperRecord record, ManagedChannel channel, ScheduledExecutorService scheduler,
                     long callTimeoutMillis, Backoff backoff, Listener listener, long graceMillis) {
        this.record = record;
        this.channel = channel;
        this.stub = DeviceMapperServiceGrpc.newStub(channel);
        this.scheduler = scheduler;
        this.callTimeoutMillis = callTimeoutMillis;
        this.backoff = backoff;
        this.listener = listener;
        this.graceEndNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
        if (graceMillis > 0) {
            try {
                scheduler.schedule(this::graceEnded, graceMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                LOG.debug("Stopping; no grace for mapper {}", record.name());
            }
        }
    }

    private boolean inGrace() {
        return System.nanoTime() - graceEndNanos < 0;
    }

    /** The grace after registration is over: a mapper that still cannot be reached is unreachable now. */
    private void graceEnded() {
        String error;
        synchronized (this) {
            if (closed || state != MapperState.CONNECTING) {
                return;
            }
            error = lastError;
        }
        ConnectivityState current = channel.getState(false);
        if (current != ConnectivityState.READY && error != null) {
            changeState(MapperState.UNREACHABLE, error);
        }
    }

    MapperRecord record() {
        return record;
    }

    /** Starts following the channel's connectivity (which makes it connect). */
    void start() {
        followConnectivity();
    }

    void enqueue(Push push) {
        synchronized (this) {
            if (closed) {
                return;
            }
            int first = inFlight ? 1 : 0;
            for (int i = queue.size() - 1; i >= first; i--) {
                if (queue.get(i).subject().equals(push.subject())) {
                    Push folded = queue.get(i).fold(push);
                    if (folded != null) {
                        queue.set(i, folded);
                        return;
                    }
                    break;
                }
            }
            queue.add(push);
        }
        drain();
    }

    synchronized MapperStatus status() {
        return new MapperStatus(record.name(), record.protocol(), record.address(), record.version(),
                record.apiVersion(), state, record.registeredAt(), lastError, queue.size());
    }

    synchronized MapperState state() {
        return state;
    }

    void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
            if (retry != null) {
                retry.cancel(false);
                retry = null;
            }
        }
        channel.shutdownNow();
    }

    private void followConnectivity() {
        ConnectivityState current;
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        current = channel.getState(true);
        if (current == ConnectivityState.READY) {
            connected();
        } else if (current == ConnectivityState.TRANSIENT_FAILURE) {
            changeState(MapperState.UNREACHABLE, "cannot connect to " + record.address());
        }
        if (current != ConnectivityState.SHUTDOWN) {
            channel.notifyWhenStateChanged(current, this::followConnectivity);
        }
    }

    /** The channel connected: the mapper is there; send what is owed without waiting for the back-off. */
    private void connected() {
        synchronized (this) {
            if (retry != null) {
                retry.cancel(false);
                retry = null;
            }
            backoff.reset();
        }
        changeState(MapperState.REACHABLE, null);
        drain();
    }

    private void drain() {
        Push push;
        synchronized (this) {
            if (closed || inFlight || retry != null || queue.isEmpty()) {
                return;
            }
            push = queue.get(0);
            inFlight = true;
        }
        CompletableFuture<Void> call;
        // a push may start on the thread of a mapper's incoming call (a report that finds the mapper behind);
        // detached from that call's context, so that its end does not cancel the push
        io.grpc.Context previous = io.grpc.Context.ROOT.attach();
        try {
            call = send(push);
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        } finally {
            io.grpc.Context.ROOT.detach(previous);
        }
        call.whenComplete((ignored, error) -> completed(push, error));
    }

    private void completed(Push push, Throwable error) {
        if (error == null) {
            synchronized (this) {
                inFlight = false;
                if (!queue.isEmpty() && queue.get(0) == push) {
                    queue.remove(0);
                }
                backoff.reset();
            }
            LOG.debug("Mapper {} ({}): {} delivered", record.name(), record.protocol(), push);
            changeState(MapperState.REACHABLE, null);
            drain();
            return;
        }
        Status status = Status.fromThrowable(error);
        if (undelivered(status)) {
            long delay;
            synchronized (this) {
                inFlight = false;
                if (closed) {
                    return;
                }
                delay = backoff.next();
                try {
                    retry = scheduler.schedule(this::retryNow, delay, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    return;
                }
            }
            String reason = describe(status);
            if (inGrace()) {
                LOG.debug("Mapper {} ({}) at {} did not take {} yet: {}; trying again in {} ms", record.name(),
                        record.protocol(), record.address(), push, reason, delay);
            } else {
                LOG.warn("Mapper {} ({}) at {} did not take {}: {}; trying again in {} ms", record.name(),
                        record.protocol(), record.address(), push, reason, delay);
            }
            changeState(MapperState.UNREACHABLE, reason);
            return;
        }
        synchronized (this) {
            inFlight = false;
            if (!queue.isEmpty() && queue.get(0) == push) {
                queue.remove(0);
            }
        }
        String reason = describe(status);
        LOG.warn("Mapper {} ({}) refused {}: {}", record.name(), record.protocol(), push, reason);
        changeState(MapperState.REACHABLE, "refused " + push + ": " + reason);
        drain();
    }

    private void retryNow() {
        synchronized (this) {
            retry = null;
        }
        channel.resetConnectBackoff();
        drain();
    }

    /** @return whether the push did not reach the mapper (and so is tried again) */
    static boolean undelivered(Status status) {
        return switch (status.getCode()) {
            case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED -> true;
            default -> false;
        };
    }

    private static String describe(Status status) {
        return status.getDescription() == null ? status.getCode().toString()
                : status.getCode() + " " + status.getDescription();
    }

    private void changeState(MapperState next, String error) {
        MapperState before;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (next == MapperState.UNREACHABLE && state != MapperState.UNREACHABLE && inGrace()) {
                lastError = error; // not unreachable yet: its socket may open in a moment
                return;
            }
            before = state;
            state = next;
            if (error != null || next == MapperState.UNREACHABLE) {
                lastError = error;
            }
        }
        if (before != next) {
            if (next == MapperState.UNREACHABLE) {
                LOG.warn("Mapper {} ({}) at {} is unreachable: {}", record.name(), record.protocol(),
                        record.address(), error);
            } else {
                LOG.info("Mapper {} ({}) at {} is {}", record.name(), record.protocol(), record.address(),
                        next.toString().toLowerCase(java.util.Locale.ROOT));
            }
            listener.stateChanged(this, before, next);
        }
    }

    private CompletableFuture<Void> send(Push push) {
        DeviceMapperServiceStub call = stub.withDeadlineAfter(callTimeoutMillis, TimeUnit.MILLISECONDS);
        CompletableFuture<Void> done = new CompletableFuture<>();
        switch (push.type()) {
            case REGISTER_DEVICE -> call.registerDevice(
                    RegisterDeviceRequest.newBuilder().setDevice(push.device()).build(), observer(done));
            case UPDATE_DEVICE -> call.updateDevice(
                    UpdateDeviceRequest.newBuilder().setDevice(push.device()).build(), observer(done));
            case REMOVE_DEVICE -> call.removeDevice(RemoveDeviceRequest.newBuilder()
                    .setDeviceName(push.device().getName())
                    .setDeviceNamespace(push.device().getNamespace()).build(), observer(done));
            case CREATE_MODEL -> call.createDeviceModel(
                    CreateDeviceModelRequest.newBuilder().setModel(push.model()).build(), observer(done));
            case UPDATE_MODEL -> call.updateDeviceModel(
                    UpdateDeviceModelRequest.newBuilder().setModel(push.model()).build(), observer(done));
            case REMOVE_MODEL -> call.removeDeviceModel(RemoveDeviceModelRequest.newBuilder()
                    .setModelName(push.model().getName())
                    .setModelNamespace(push.model().getNamespace()).build(), observer(done));
            default -> throw new IllegalStateException("unknown push " + push.type());
        }
        return done;
    }

    private static <T> StreamObserver<T> observer(CompletableFuture<Void> done) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                // the answers carry nothing the edge node uses
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }

            @Override
            public void onCompleted() {
                done.complete(null);
            }
        };
    }
}
