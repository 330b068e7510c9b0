package io.karedge.cloud.bridge.internal;

import com.fasterxml.jackson.databind.node.TextNode;
import io.karedge.cloud.bridge.LinkState;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The link's life cycle on one thread: credentials (join if needed), connect, keepalives, certificate
 * rotation, and reconnects with jittered exponential back-off. Frames are decoded and routed on a second
 * thread so that the Netty I/O thread never waits for the store.
 */
final class CloudLink {

    private static final Logger LOG = LoggerFactory.getLogger(CloudLink.class);
    private static final long[] ROTATION_RETRY_MILLIS = {2_000, 4_000, 8_000, 16_000, 32_000};

    private final BridgeSettings settings;
    private final Enrollment enrollment;
    private final LinkStatusHolder status;
    private final OutboundValidator validator;
    private final ScheduledExecutorService linkThread;
    private final ExecutorService inbound;
    private final EventLoopGroup eventLoop;
    private final Clock clock;
    private final RandomGenerator random;

    private Dispatcher dispatcher;
    private UplinkDrainer drainer;
    private NodeAgent agent;
    private RemoteQueries queries;
    private CloudWatchFeed watchFeed;
    private JoinProgress joinProgress;
    private DrainProgress drainProgress;

    private volatile Session session;
    private volatile boolean stopped;
    private long connections;
    private int failures;
    private int rotationFailures;
    private Instant connectedAt;
    private ScheduledFuture<?> keepaliveTask;
    private ScheduledFuture<?> rotationTask;
    private ScheduledFuture<?> attemptTask;

    CloudLink(BridgeSettings settings, Enrollment enrollment, LinkStatusHolder status, Clock clock,
              RandomGenerator random) {
        this.settings = settings;
        this.enrollment = enrollment;
        this.status = status;
        this.clock = clock;
        this.random = random;
        this.validator = new OutboundValidator(settings.maxMessageBytes());
        this.linkThread = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("karedge-cloud-link", true));
        this.inbound = Executors.newSingleThreadExecutor(new DefaultThreadFactory("karedge-cloud-inbound", true));
        this.eventLoop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("karedge-cloud-io", true),
                NioIoHandler.newFactory());
    }

    ScheduledExecutorService scheduler() {
        return linkThread;
    }

    void wire(Dispatcher dispatcher, UplinkDrainer drainer, NodeAgent agent, RemoteQueries queries) {
        this.dispatcher = dispatcher;
        this.drainer = drainer;
        this.agent = agent;
        this.queries = queries;
    }

    /** What list-watches the cloud after every connect. */
    void watchFeed(CloudWatchFeed feed) {
        this.watchFeed = feed;
    }

    Session session() {
        return session;
    }

    /** Where the way to the first synced session and the backlog drains after each connect are reported. */
    void progress(JoinProgress join, DrainProgress drain) {
        this.joinProgress = join;
        this.drainProgress = drain;
    }

    void start() {
        linkThread.execute(this::attempt);
    }

    void stop() {
        stopped = true;
        CompletableFuture<Void> done = new CompletableFuture<>();
        linkThread.execute(() -> {
            Session current = session;
            if (current != null) {
                current.close("bridge stopping");
            }
            done.complete(null);
        });
        try {
            done.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("Stopping the link: {}", e.toString());
        }
        status.set(LinkState.DISABLED, "stopped");
        if (joinProgress != null) {
            joinProgress.stopped();
            drainProgress.disconnected("the cloud bridge stopped");
        }
        linkThread.shutdownNow();
        inbound.shutdown();
        try {
            inbound.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        eventLoop.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Closes the current connection (the link reconnects at once). */
    void reconnect(String reason) {
        linkThread.execute(() -> {
            Session current = session;
            if (current != null) {
                failures = 0;
                current.close(reason);
            }
        });
    }

    private void attempt() {
        if (stopped) {
            return;
        }
        Credentials credentials;
        status.set(LinkState.JOINING, "");
        if (joinProgress != null) {
            joinProgress.attempting();
        }
        try {
            credentials = enrollment.credentials();
        } catch (JoinException e) {
            LOG.error("Cannot join the cloud at {}: {}", settings.certServer(), e.getMessage());
            if (e.permanent()) {
                if (joinProgress != null) {
                    joinProgress.failed(e.getMessage());
                }
                status.set(LinkState.FAILED, e.getMessage());
                schedule(settings.backoffMaxMillis());
            } else {
                backOff(e.getMessage());
            }
            return;
        } catch (RuntimeException e) {
            LOG.error("Cannot prepare the cloud credentials", e);
            backOff(e.toString());
            return;
        }
        status.certificate(enrollment.expiry(), settings.rotateCertificates() ? enrollment.renewal() : null);
        status.set(LinkState.CONNECTING, "");
        SslContext ssl;
        try {
            ssl = CloudConnection.sslContext(credentials);
        } catch (Exception e) {
            status.set(LinkState.FAILED, "TLS set-up failed: " + e.getMessage());
            if (joinProgress != null) {
                joinProgress.failed("TLS set-up failed: " + e.getMessage());
            }
            schedule(settings.backoffMaxMillis());
            return;
        }
        ConnectionListener listener = new ConnectionListener();
        if (joinProgress != null) {
            joinProgress.connecting();
        }
        CloudConnection.open(eventLoop, settings, ssl, listener).whenComplete((connection, failure) ->
                runOnLink(() -> {
                    if (failure != null) {
                        String reason = "cannot connect to CloudHub " + settings.server() + ": " + describe(failure);
                        LOG.warn(reason);
                        backOff(reason);
                    } else if (stopped) {
                        connection.close("bridge stopping");
                    } else {
                        connected(connection, listener);
                    }
                }));
    }

    private void connected(CloudConnection connection, ConnectionListener listener) {
        connections++;
        if (connections > 1) {
            status.reconnects.incrementAndGet();
        }
        Session current = new Session(connection, validator, status, connections);
        session = current;
        listener.attach(current);
        connectedAt = clock.instant();
        status.set(LinkState.CONNECTED, "");
        LOG.info("Connected to CloudHub {} as node {}", settings.server(), settings.nodeName());
        keepalive();
        keepaliveTask = linkThread.scheduleAtFixedRate(this::keepalive, settings.keepaliveMillis(),
                settings.keepaliveMillis(), TimeUnit.MILLISECONDS);
        if (joinProgress != null) {
            drainProgress.connected();
            joinProgress.connected();
        }
        drainer.connected(current);
        if (settings.registerNode()) {
            agent.connected();
        }
        if (watchFeed != null) {
            watchFeed.connected(current);
        }
        scheduleRotation();
        if (listener.closedReason != null) {
            closed(current, listener.closedReason);
        }
    }

    private void closed(Session closedSession, String reason) {
        if (session != closedSession) {
            return;
        }
        session = null;
        if (keepaliveTask != null) {
            keepaliveTask.cancel(false);
        }
        if (rotationTask != null) {
            rotationTask.cancel(false);
        }
        drainer.disconnected();
        if (drainProgress != null) {
            drainProgress.disconnected(reason);
        }
        if (watchFeed != null) {
            watchFeed.disconnected(reason);
        }
        queries.failAll();
        if (stopped) {
            return;
        }
        long lasted = Duration.between(connectedAt, clock.instant()).toMillis();
        if (lasted >= 2L * settings.keepaliveMillis()) {
            failures = 0;
        }
        LOG.warn("Lost the link to CloudHub after {} s: {}", lasted / 1000, reason);
        backOff(reason);
    }

    private void keepalive() {
        Session current = session;
        if (current == null || !current.isOpen()) {
            return;
        }
        try {
            current.send(Message.request(Routes.SOURCE_HUB, Routes.GROUP_RESOURCE, Routes.KEEPALIVE, "node",
                    TextNode.valueOf("ping")));
            current.ping();
            status.keepaliveSent();
        } catch (RuntimeException e) {
            LOG.warn("Keepalive failed: {}", e.toString());
        }
    }

    private void scheduleRotation() {
        if (!settings.rotateCertificates() || enrollment.renewal() == null) {
            return;
        }
        long delay = Math.max(0, Duration.between(clock.instant(), enrollment.renewal()).toMillis());
        if (rotationFailures > 0) {
            delay = ROTATION_RETRY_MILLIS[Math.min(rotationFailures - 1, ROTATION_RETRY_MILLIS.length - 1)];
        }
        rotationTask = linkThread.schedule(this::rotate, delay, TimeUnit.MILLISECONDS);
    }

    private void rotate() {
        try {
            enrollment.rotate();
            rotationFailures = 0;
            status.certificate(enrollment.expiry(), enrollment.renewal());
            reconnect("certificate rotated");
        } catch (JoinException e) {
            rotationFailures++;
            LOG.warn("Certificate rotation failed (attempt {}): {}", rotationFailures, e.getMessage());
            scheduleRotation();
        }
    }

    private void backOff(String reason) {
        failures++;
        long delay = ReconnectSchedule.delayMillis(settings.backoffInitialMillis(), settings.backoffMaxMillis(),
                failures, random.nextDouble());
        status.set(LinkState.BACKING_OFF, reason);
        if (joinProgress != null) {
            joinProgress.retrying(reason, delay);
        }
        LOG.info("Next attempt to reach CloudHub in {} ms", delay);
        schedule(delay);
    }

    private void schedule(long delayMillis) {
        if (stopped) {
            return;
        }
        if (attemptTask != null) {
            attemptTask.cancel(false);
        }
        attemptTask = linkThread.schedule(this::attempt, delayMillis, TimeUnit.MILLISECONDS);
    }

    private void runOnLink(Runnable task) {
        try {
            linkThread.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("Cloud link task failed", e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping
        }
    }

    private static String describe(Throwable failure) {
        Throwable root = failure;
        while ((root instanceof java.util.concurrent.CompletionException
                || root instanceof java.util.concurrent.ExecutionException) && root.getCause() != null) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** Per-connection callbacks from the I/O thread; stale connections are ignored by identity. */
    private final class ConnectionListener implements CloudConnection.Listener {

        private final java.util.List<byte[]> early = new java.util.ArrayList<>();
        private Session session;
        private volatile String closedReason;

        /** Frames that arrived between the upgrade and the session's set-up are routed now, in order. */
        synchronized void attach(Session current) {
            session = current;
            early.forEach(frame -> dispatch(frame, current));
            early.clear();
        }

        @Override
        public synchronized void onFrame(byte[] frame) {
            status.messagesIn.incrementAndGet();
            if (session == null) {
                early.add(frame);
            } else {
                dispatch(frame, session);
            }
        }

        private void dispatch(byte[] frame, Session current) {
            try {
                inbound.execute(() -> dispatcher.handle(frame, current));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // stopping
            }
        }

        @Override
        public void onClosed(String reason) {
            closedReason = reason;
            runOnLink(() -> {
                Session current;
                synchronized (this) {
                    current = session;
                }
                if (current != null) {
                    closed(current, reason);
                }
            });
        }

        @Override
        public void onWritable() {
            drainer.wake();
        }
    }
}
