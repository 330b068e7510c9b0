package io.karedge.eventbus.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/** The counters behind {@link io.karedge.eventbus.MqttBusStatus}; every method is thread-safe and cheap. */
public final class BusMetrics {

    private final LongAdder in = new LongAdder();
    private final LongAdder out = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder refusedConnections = new LongAdder();
    private final LongAdder refusedPublishes = new LongAdder();
    private final LongAdder refusedSubscriptions = new LongAdder();
    private final LongAdder sessionDropped = new LongAdder();
    private final AtomicInteger clients = new AtomicInteger();
    private final RateWindow inRate;
    private final RateWindow outRate;

    public BusMetrics() {
        this(System::nanoTime);
    }

    BusMetrics(LongSupplier nanoClock) {
        this.inRate = new RateWindow(nanoClock);
        this.outRate = new RateWindow(nanoClock);
    }

    void received() {
        in.increment();
        inRate.record();
    }

    void sent() {
        out.increment();
        outRate.record();
    }

    void rejected() {
        rejected.increment();
    }

    void error() {
        errors.increment();
    }

    void refusedConnection() {
        refusedConnections.increment();
    }

    void refusedPublish() {
        refusedPublishes.increment();
    }

    void refusedSubscription() {
        refusedSubscriptions.increment();
    }

    void sessionDropped() {
        sessionDropped.increment();
    }

    public long refusedConnections() {
        return refusedConnections.sum();
    }

    public long refusedPublishes() {
        return refusedPublishes.sum();
    }

    public long refusedSubscriptions() {
        return refusedSubscriptions.sum();
    }

    public long sessionDroppedCount() {
        return sessionDropped.sum();
    }

    void clientConnected() {
        clients.incrementAndGet();
    }

    void clientDisconnected() {
        clients.decrementAndGet();
    }

    public long messagesIn() {
        return in.sum();
    }

    public long messagesOut() {
        return out.sum();
    }

    public double inPerSecond() {
        return inRate.perSecond();
    }

    public double outPerSecond() {
        return outRate.perSecond();
    }

    public long rejectedCount() {
        return rejected.sum();
    }

    public long errorCount() {
        return errors.sum();
    }

    public int clients() {
        return clients.get();
    }
}
