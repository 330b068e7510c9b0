package io.karedge.protocol.opcua.internal;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import io.karedge.device.driver.StateDetail;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.SessionActivityListener;
import org.eclipse.milo.opcua.sdk.client.UaSession;
import org.eclipse.milo.opcua.sdk.client.subscriptions.MonitoredItemServiceOperationResult;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session to one OPC UA server, shared by every device with the same {@link ServerSettings}: a Milo client,
 * one subscription holding the monitored items of all its devices, and the connection state they share.
 *
 * <p>The first connection is made on the driver's worker pool (discovery of the endpoints, then the session),
 * and tried again with a growing delay (1 s doubling to 30 s) until it succeeds. From then on Milo keeps the
 * session: it reconnects by itself after a restart or a network loss, and transfers the subscription to the new
 * session; when the server no longer knows it, the subscription is created again with all its items. Every
 * change is told to the members (their devices go offline and come back online).
 */
final class ServerConnection {

    private static final Logger LOG = LoggerFactory.getLogger(ServerConnection.class);
    private static final long FIRST_RETRY_MILLIS = 1000;
    private static final long MAX_RETRY_MILLIS = 30_000;
    private static final double MIN_INTERVAL_MILLIS = 50;

    /** A device using the session. Its methods are called from Milo's and the driver's threads and must not block. */
    interface Member {

        /** The session is up; {@code restored} after a reconnect (desired values are to be written again). */
        void connectionUp(boolean restored, String why);

        void connectionDown(StateDetail detail, String why);

        /** A new value (or a bad status) of one of the member's monitored properties. */
        void value(String property, DataValue value);

        /** A monitored item of the member could not be created (e.g. Bad_NodeIdUnknown). */
        void itemFailed(String property, String why);
    }

    /** Where passwords come from: the file of {@code password}, or the Secret of {@code passwordSecretRef}. */
    interface Passwords {
        String password(ServerSettings settings) throws IOException;
    }

    /** A value a member wants pushed: a property and its node, sampled at the property's collect cycle. */
    record Watch(Member member, String property, NodeId nodeId, double samplingMillis) {
    }

    private final ServerSettings settings;
    private final NodePki pki;
    private final Passwords passwords;
    private final ExecutorService workers;
    private final ScheduledExecutorService scheduler;
    private final Consumer<ServerConnection> onEmpty;
    private final List<Member> members = new CopyOnWriteArrayList<>();
    private final Map<Member, List<Watch>> watches = new ConcurrentHashMap<>();
    private final Object lock = new Object();

    // guarded by lock
    private OpcUaClient client;
    private OpcUaSubscription subscription;
    private boolean started;
    private boolean closed;
    private long retryDelay = FIRST_RETRY_MILLIS;
    private ScheduledFuture<?> retry;
    private volatile boolean up;
    private volatile String lastError;
    private volatile StateDetail lastDetail = StateDetail.COMMUNICATION_ERROR;

    ServerConnection(ServerSettings settings, NodePki pki, Passwords passwords, ExecutorService workers,
                     ScheduledExecutorService scheduler, Consumer<ServerConnection> onEmpty) {
        this.settings = settings;
        this.pki = pki;
        this.passwords = passwords;
        this.workers = workers;
        this.scheduler = scheduler;
        this.onEmpty = onEmpty;
    }

    ServerSettings settings() {
        return settings;
    }

    boolean isUp() {
        return up;
    }

    /** @return why the session is not up, for error messages */
    String notUpReason() {
        String error = lastError;
        return "not connected to " + settings + (error == null ? " (connecting)" : ": " + error);
    }

    /** @return why the session is not up, in machine terms */
    StateDetail notUpDetail() {
        return lastError == null ? StateDetail.COMMUNICATION_ERROR : lastDetail;
    }

    /** @return the client while the session is up */
    Optional<OpcUaClient> client() {
        synchronized (lock) {
            return up && client != null ? Optional.of(client) : Optional.empty();
        }
    }

    /**
     * Waits for the session while the first connection is still being made (bounded), so that the first read
     * of a new device does not fail only because the session is being opened.
     *
     * @return the client if the session is up
     */
    Optional<OpcUaClient> awaitClient(long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        synchronized (lock) {
            while (!up && !closed && lastError == null) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    break;
                }
                try {
                    lock.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return up && client != null ? Optional.of(client) : Optional.empty();
        }
    }

    /**
     * Adds a member and starts connecting if this is the first; tells it at once if the session is up.
     *
     * @return false if this connection was closed meanwhile (the caller opens a new one)
     */
    boolean tryJoin(Member member) {
        boolean now;
        synchronized (lock) {
            if (closed) {
                return false;
            }
            members.add(member);
            now = up;
            if (!started && !closed) {
                started = true;
                submit(this::attempt);
            }
        }
        if (now) {
            member.connectionUp(false, "connected to " + settings);
        }
        return true;
    }

    /** Monitors a member's properties (added to the running subscription when there is one). */
    void watch(Member member, List<Watch> wanted) {
        if (wanted.isEmpty()) {
            return;
        }
        watches.merge(member, List.copyOf(wanted), (a, b) -> {
            List<Watch> all = new ArrayList<>(a);
            all.addAll(b);
            return List.copyOf(all);
        });
        submit(() -> {
            OpcUaSubscription current;
            synchronized (lock) {
                current = subscription;
            }
            if (current != null) {
                createItems(current, wanted);
            }
        });
    }

    /** Removes a member and its items; the last member closes the session. */
    void leave(Member member) {
        List<Watch> gone = watches.remove(member);
        boolean empty;
        synchronized (lock) {
            members.remove(member);
            empty = members.isEmpty();
            if (empty) {
                closed = true;
            }
        }
        if (empty) {
            onEmpty.accept(this);
            close();
            return;
        }
        if (gone != null) {
            submit(() -> removeItems(gone));
        }
    }

    // ------------------------------------------------------------------ connecting

    private void attempt() {
        synchronized (lock) {
            if (closed) {
                return;
            }
        }
        OpcUaClient candidate = null;
        try {
            candidate = SessionClients.create(settings, pki, passwords);
            candidate.connectAsync().get(settings.timeoutMillis() * 2, TimeUnit.MILLISECONDS);
            OpcUaSubscription created = createSubscription(candidate);
            synchronized (lock) {
                if (closed) {
                    disconnect(candidate);
                    return;
                }
                client = candidate;
                subscription = created;
                up = true;
                lastError = null;
                retryDelay = FIRST_RETRY_MILLIS;
                lock.notifyAll();
            }
            candidate.addSessionActivityListener(new SessionWatcher(candidate));
            LOG.info("OPC UA session to {} open ({} device(s))", settings, members.size());
            members.forEach(m -> m.connectionUp(false, "connected to " + settings));
            createItems(created, allWatches());
        } catch (Exception e) {
            if (candidate != null) {
                disconnect(candidate);
            }
            String why = "cannot connect to " + settings + ": " + SessionClients.message(e);
            StateDetail detail = SessionClients.detail(e);
            long delay;
            synchronized (lock) {
                if (closed) {
                    return;
                }
                lastDetail = detail;
                lastError = why;
                lock.notifyAll();
                delay = retryDelay;
                retryDelay = Math.min(MAX_RETRY_MILLIS, retryDelay * 2);
                try {
                    retry = scheduler.schedule(() -> submit(this::attempt), delay, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException stopping) {
                    return;
                }
            }
            LOG.info("OPC UA {} (retrying in {} ms)", why, delay);
            members.forEach(m -> m.connectionDown(detail, why));
        }
    }

    private OpcUaSubscription createSubscription(OpcUaClient target) throws UaException {
        double interval = allWatches().stream().mapToDouble(Watch::samplingMillis).min().orElse(1000);
        OpcUaSubscription created = new OpcUaSubscription(target, Math.max(MIN_INTERVAL_MILLIS, interval));
        created.setSubscriptionListener(new OpcUaSubscription.SubscriptionListener() {
            @Override
            public void onTransferFailed(OpcUaSubscription s, StatusCode status) {
                LOG.info("OPC UA subscription on {} not transferred to the new session ({}); creating it again",
                        settings, Variants.statusName(status));
                submit(() -> recreate(s));
            }

            @Override
            public void onStatusChanged(OpcUaSubscription s, StatusCode status) {
                if (status.isBad()) {
                    LOG.info("OPC UA subscription on {} ended ({}); creating it again", settings,
                            Variants.statusName(status));
                    submit(() -> recreate(s));
                }
            }
        });
        created.create();
        return created;
    }

    private void recreate(OpcUaSubscription old) {
        OpcUaClient target;
        synchronized (lock) {
            if (closed || subscription != old) {
                return;
            }
            target = client;
        }
        try {
            old.reset();
            OpcUaSubscription fresh = createSubscription(target);
            synchronized (lock) {
                if (closed) {
                    return;
                }
                subscription = fresh;
            }
            createItems(fresh, allWatches());
        } catch (UaException | RuntimeException e) {
            String why = "cannot create the subscription on " + settings + " again: " + SessionClients.message(e);
            LOG.warn("OPC UA {}", why);
            StateDetail detail = SessionClients.detail(e);
            members.forEach(m -> m.connectionDown(detail, why));
            try {
                scheduler.schedule(() -> submit(() -> recreate(old)), FIRST_RETRY_MILLIS * 5, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                LOG.debug("driver stopping");
            }
        }
    }

    /**
     * Creates the monitored items of the watches that the subscription does not have yet (a device that joins
     * while the session is being opened is picked up by both the opening and its own request: once is enough).
     */
    private void createItems(OpcUaSubscription target, List<Watch> wanted) {
        Set<Watch> created = createdOn(target);
        List<Watch> fresh = wanted.stream().filter(created::add).toList();
        if (fresh.isEmpty()) {
            return;
        }
        List<OpcUaMonitoredItem> items = new ArrayList<>(fresh.size());
        for (Watch watch : fresh) {
            OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(watch.nodeId());
            item.setSamplingInterval(watch.samplingMillis());
            item.setQueueSize(uint(1));
            item.setUserObject(watch);
            item.setDataValueListener((i, value) -> watch.member().value(watch.property(), value));
            items.add(item);
        }
        try {
            target.addMonitoredItems(items);
            for (MonitoredItemServiceOperationResult result : target.createMonitoredItems()) {
                if (result.isGood()) {
                    continue;
                }
                Watch watch = (Watch) result.monitoredItem().getUserObject().orElse(null);
                if (watch == null) {
                    continue;
                }
                StatusCode status = result.operationResult().orElse(result.serviceResult());
                target.removeMonitoredItem(result.monitoredItem());
                created.remove(watch);
                watch.member().itemFailed(watch.property(), "property " + watch.property() + ": node "
                        + watch.nodeId().toParseableString() + " cannot be monitored: " + Variants.statusName(status));
            }
        } catch (RuntimeException e) {
            LOG.warn("OPC UA monitored items on {} not created: {}", settings, SessionClients.message(e));
            created.removeAll(fresh);
            fresh.forEach(w -> w.member().itemFailed(w.property(), "property " + w.property()
                    + ": not monitored: " + SessionClients.message(e)));
        }
    }

    private void removeItems(List<Watch> gone) {
        OpcUaSubscription current;
        synchronized (lock) {
            current = subscription;
        }
        if (current == null) {
            return;
        }
        createdOn(current).removeAll(gone);
        List<OpcUaMonitoredItem> items = current.getMonitoredItems().stream()
                .filter(i -> i.getUserObject().map(gone::contains).orElse(false)).toList();
        if (items.isEmpty()) {
            return;
        }
        try {
            current.removeMonitoredItems(items);
            current.deleteMonitoredItems();
        } catch (RuntimeException e) {
            LOG.debug("OPC UA monitored items on {} not deleted: {}", settings, SessionClients.message(e));
        }
    }

    /** @return the watches that have an item on this subscription (kept as the subscription's user object) */
    @SuppressWarnings("unchecked")
    private Set<Watch> createdOn(OpcUaSubscription subscription) {
        synchronized (lock) {
            Object created = subscription.getUserObject().orElse(null);
            if (created == null) {
                created = ConcurrentHashMap.newKeySet();
                subscription.setUserObject(created);
            }
            return (Set<Watch>) created;
        }
    }

    private List<Watch> allWatches() {
        List<Watch> all = new ArrayList<>();
        watches.values().forEach(all::addAll);
        return all;
    }

    /** Milo's session events: the session went away (server restart, network loss) or came back. */
    private final class SessionWatcher implements SessionActivityListener {
        private final OpcUaClient target;

        SessionWatcher(OpcUaClient target) {
            this.target = target;
        }

        @Override
        public void onSessionInactive(UaSession session) {
            synchronized (lock) {
                if (closed || client != target) {
                    return;
                }
                up = false;
                lastDetail = StateDetail.COMMUNICATION_ERROR;
                lastError = "session lost; reconnecting";
            }
            String why = "session to " + settings + " lost; reconnecting";
            LOG.info("OPC UA {}", why);
            members.forEach(m -> m.connectionDown(StateDetail.COMMUNICATION_ERROR, why));
        }

        @Override
        public void onSessionActive(UaSession session) {
            synchronized (lock) {
                if (closed || client != target || up) {
                    return;
                }
                up = true;
                lastError = null;
            }
            LOG.info("OPC UA session to {} restored", settings);
            members.forEach(m -> m.connectionUp(true, "reconnected to " + settings));
        }
    }

    // ------------------------------------------------------------------ closing

    /** Ends the session without waiting for the server. */
    void close() {
        OpcUaClient target;
        synchronized (lock) {
            closed = true;
            up = false;
            lock.notifyAll();
            if (retry != null) {
                retry.cancel(false);
            }
            target = client;
            client = null;
            subscription = null;
        }
        if (target != null) {
            disconnect(target);
        }
    }

    private void disconnect(OpcUaClient target) {
        try {
            target.disconnectAsync().orTimeout(settings.timeoutMillis(), TimeUnit.MILLISECONDS)
                    .whenComplete((c, e) -> LOG.debug("OPC UA session to {} closed", settings));
        } catch (RuntimeException e) {
            LOG.debug("OPC UA disconnect from {}: {}", settings, SessionClients.message(e));
        }
    }

    private void submit(Runnable task) {
        try {
            workers.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warn("OPC UA task for {} failed", settings, e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("OPC UA driver stopping; task for {} dropped", settings);
        }
    }

}
