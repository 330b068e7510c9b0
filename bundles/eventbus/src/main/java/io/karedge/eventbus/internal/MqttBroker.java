package io.karedge.eventbus.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small MQTT 3.1.1 broker on Netty: clean and persistent sessions (the latter kept on disk by a
 * {@link SessionJournal}), QoS 0, 1 and 2 in both directions, retained messages, last will, keep-alive,
 * wildcards with the {@code $}-topic rule, user names and passwords and topic ACLs ({@link AccessControl}).
 *
 * <p>Its one particular feature: every message a client publishes is routed to the subscribers at
 * once and handed to a {@link PublishHook}; the PUBACK (PUBREC for QoS 2) is sent only when the hook's
 * stage completes, in the order the messages arrived on that connection. If the stage fails, the
 * connection is closed instead, so the client delivers the message again.
 */
public final class MqttBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MqttBroker.class);

    /** A message kept for new subscribers. */
    record Retained(byte[] payload, int qos) {
    }

    private final BrokerSettings settings;
    private final PublishHook hook;
    private final BusMetrics metrics;
    private final BrokerAccess access;
    private final SessionSettings sessionSettings;
    private final SubscriptionTree<ClientSession> subscriptions = new SubscriptionTree<>();
    private final Map<String, Retained> retained = new ConcurrentHashMap<>();
    /** payload bytes of {@link #retained}; changed under the broker's retained lock */
    private long retainedBytes;
    private final Object retainedLock = new Object();
    /** payload bytes queued for or in flight to all clients */
    private final AtomicLong queuedBytes = new AtomicLong();
    /** payload bytes received from all clients and not taken over by the hook yet */
    private final AtomicLong pendingBytes = new AtomicLong();
    /** sessions that stopped reading because a pending budget was reached */
    private final java.util.Set<MqttConnection> paused = ConcurrentHashMap.newKeySet();
    private final Map<String, ClientSession> sessions = new ConcurrentHashMap<>();
    private final Object sessionsLock = new Object();
    private final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
    private final AtomicLong seq = new AtomicLong();
    private AccessControl accessControl;
    private SessionJournal journal;
    private final AtomicLong anonymousIds = new AtomicLong();
    private final WarnLimiter warnings = new WarnLimiter(20);
    private final ChannelGroup channels = new DefaultChannelGroup("karedge-mqtt", GlobalEventExecutor.INSTANCE);
    private EventLoopGroup acceptor;
    private EventLoopGroup workers;
    private BrokerListener server;
    private BrokerListener tlsServer;

    public MqttBroker(BrokerSettings settings, BrokerAccess access, SessionSettings sessionSettings, PublishHook hook,
                      BusMetrics metrics) {
        this.settings = settings;
        this.access = access;
        this.sessionSettings = sessionSettings;
        this.hook = hook;
        this.metrics = metrics;
    }

    /** Binds the listening socket; returns when it listens. */
    public synchronized void start() throws InterruptedException, java.io.IOException {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        accessControl = new AccessControl(access);
        if (sessionSettings.journal() != null) {
            journal = new SessionJournal(sessionSettings.journal(), sessionSettings.fsync());
            Map<String, SessionJournal.Image> images = journal.open();
            seq.set(journal.maxSeq());
            for (SessionJournal.Image image : images.values()) {
                ClientSession session = new ClientSession(this, image.clientId, true, journal);
                session.restore(image);
                sessions.put(image.clientId, session);
            }
            if (!images.isEmpty()) {
                LOG.info("MQTT broker restored {} persistent sessions from {}", images.size(), sessionSettings.journal());
            }
        }
        acceptor = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("karedge-mqtt-accept", true),
                NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(settings.ioThreads(),
                new DefaultThreadFactory("karedge-mqtt-io", true), NioIoHandler.newFactory());
        try {
            server = new BrokerListener("", bootstrap(null), settings.host(), settings.port(),
                    settings.bindRetryMillis(), acceptor);
            server.open();
            BrokerAccess.TlsListener tls = access.tls();
            if (tls != null) {
                javax.net.ssl.SSLContext context;
                try {
                    context = PemTls.context(tls.clientCaFile(), tls.certFile(), tls.keyFile());
                } catch (java.security.GeneralSecurityException e) {
                    throw new java.io.IOException("TLS listener: " + e.getMessage(), e);
                }
                tlsServer = new BrokerListener(" for TLS with client certificates", bootstrap(context),
                        settings.host(), tls.port(), settings.bindRetryMillis(), acceptor);
                tlsServer.open();
            }
            workers.next().scheduleAtFixedRate(this::expireSessions, 60, 60, TimeUnit.SECONDS);
        } catch (InterruptedException | RuntimeException | java.io.IOException e) {
            if (server != null) {
                server.close();
                server = null;
            }
            if (tlsServer != null) {
                tlsServer.close();
                tlsServer = null;
            }
            shutdownGroups();
            closeJournal();
            throw e;
        }
    }

    /** @param tls null for the plain listener; else every connection starts with a TLS handshake */
    private ServerBootstrap bootstrap(javax.net.ssl.SSLContext tls) {
        return new ServerBootstrap()
                .group(acceptor, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channels.add(channel);
                        if (tls != null) {
                            javax.net.ssl.SSLEngine engine = tls.createSSLEngine();
                            engine.setUseClientMode(false);
                            engine.setNeedClientAuth(true);
                            channel.pipeline().addLast("tls", new io.netty.handler.ssl.SslHandler(engine));
                        }
                        channel.pipeline()
                                .addLast(MqttConnection.CONNECT_TIMEOUT, new IdleStateHandler(
                                        settings.connectTimeoutSecs(), 0, 0, TimeUnit.SECONDS))
                                .addLast("decoder", new MqttDecoder(settings.maxMessageSize()))
                                .addLast("encoder", MqttEncoder.INSTANCE)
                                .addLast("session", new MqttConnection(MqttBroker.this));
                    }
                });
    }

    /** @return the TLS listener's address, or null without one (or while it is not listening) */
    public InetSocketAddress tlsAddress() {
        BrokerListener listener = tlsServer;
        return listener == null || !listener.listening() ? null : listener.address();
    }

    /** @return the bound address (the real port when 0 was configured), or the configured one while not bound */
    public InetSocketAddress address() {
        BrokerListener listener = server;
        return listener == null ? new InetSocketAddress(settings.host(), settings.port()) : listener.address();
    }

    /** @return why a listener is not listening (it binds again every {@code bind.retry.ms}), or null */
    public String problem() {
        BrokerListener plain = server;
        BrokerListener tls = tlsServer;
        String plainProblem = plain == null ? null : plain.problem();
        String tlsProblem = tls == null ? null : tls.problem();
        if (plainProblem != null && tlsProblem != null) {
            return plainProblem + "; TLS listener: " + tlsProblem;
        }
        return plainProblem != null ? plainProblem : tlsProblem == null ? null : "TLS listener: " + tlsProblem;
    }

    public boolean listening() {
        BrokerListener listener = server;
        return listener != null && listener.listening();
    }

    /**
     * Publishes a message of the bus itself to the subscribers (not to the hook). Never blocks; a
     * subscriber whose queue is full loses it (counted and logged).
     */
    public void publish(String topic, byte[] payload, int qos, boolean retain) {
        if (retain) {
            retain(topic, payload, qos);
        }
        route(topic, payload, qos);
    }

    /** @return the persistent sessions, connected or not */
    public int persistentSessions() {
        return (int) sessions.values().stream().filter(session -> session.persistent).count();
    }

    /** @return the session of {@code clientId}, or null */
    ClientSession session(String clientId) {
        return sessions.get(clientId);
    }

    /** @return whether a subscription matches {@code topic} (a message of the bus on it would be routed) */
    public boolean hasSubscribers(String topic) {
        return subscriptions.matchesAny(topic);
    }

    public int connectedClients() {
        return connections.get();
    }

    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        server.close();
        if (tlsServer != null) {
            tlsServer.close();
            tlsServer = null;
        }
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        shutdownGroups();
        closeJournal();
        server = null;
        LOG.info("MQTT broker stopped");
    }

    private void closeJournal() {
        if (journal != null) {
            journal.close();
            journal = null;
        }
        if (accessControl != null) {
            accessControl.close();
        }
    }

    /** Ends the persistent sessions whose client stayed away longer than {@code session.expiry.secs}. */
    void expireSessions() {
        long limit = System.currentTimeMillis() - sessionSettings.expirySecs() * 1000;
        for (ClientSession session : sessions.values()) {
            if (session.persistent && !session.connected() && session.lastSeenMillis() < limit) {
                synchronized (sessionsLock) {
                    if (!session.connected() && sessions.remove(session.clientId, session)) {
                        session.end();
                        LOG.info("Persistent MQTT session of {} expired (away longer than {} s)", session.clientId,
                                sessionSettings.expirySecs());
                    }
                }
            }
        }
    }

    private void shutdownGroups() {
        if (workers != null) {
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (acceptor != null) {
            acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    // ---- for the sessions ----

    BrokerSettings settings() {
        return settings;
    }

    BusMetrics metrics() {
        return metrics;
    }

    SubscriptionTree<ClientSession> subscriptions() {
        return subscriptions;
    }

    AccessControl access() {
        return accessControl;
    }

    long nextSeq() {
        return seq.incrementAndGet();
    }

    /** The session a connection opens. */
    record Opened(ClientSession session, boolean present) {
    }

    /**
     * Opens the session of a client that connected: a clean one replaces whatever the client id had; a
     * persistent one continues the client id's persistent session, if there is one. A connection the client
     * id still has is closed.
     */
    Opened open(String clientId, boolean clean, MqttConnection connection) {
        MqttConnection previous;
        Opened opened;
        synchronized (sessionsLock) {
            ClientSession existing = sessions.get(clientId);
            previous = existing == null ? null : existing.connection();
            if (existing != null && !clean && existing.persistent) {
                opened = new Opened(existing, true);
            } else {
                if (existing != null) {
                    existing.end();
                }
                ClientSession session = new ClientSession(this, clientId, !clean, journal);
                if (!clean && journal != null) {
                    journal.created(clientId);
                }
                sessions.put(clientId, session);
                opened = new Opened(session, false);
            }
        }
        connections.incrementAndGet();
        if (previous != null && previous != connection) {
            LOG.debug("Client {} connected again; closing its previous connection", clientId);
            previous.channel().close();
        }
        return opened;
    }

    /** The connection ended; a clean session ends with it. */
    void closed(ClientSession session, MqttConnection connection) {
        connections.decrementAndGet();
        synchronized (sessionsLock) {
            if (session.detach(connection) && !session.persistent) {
                sessions.remove(session.clientId, session);
            }
        }
    }

    SessionSettings sessionSettings() {
        return sessionSettings;
    }

    String newClientId() {
        return "karedge-anonymous-" + anonymousIds.incrementAndGet();
    }

    /**
     * A message a client published (or its will): to the subscribers, then to the hook. A retained message
     * the broker cannot keep (over {@code max.retained} or {@code max.retained.bytes}) is refused whole: it
     * is not delivered and the stage fails, so a QoS 1 or 2 publisher gets no acknowledgement for it.
     */
    CompletionStage<Void> fromClient(String topic, byte[] payload, int qos, boolean retain) {
        if (retain && !retain(topic, payload, qos)) {
            return CompletableFuture.failedFuture(new IllegalStateException("retained message on '"
                    + BusPayloads.forLog(topic) + "' refused: the retained-message budget is used up"));
        }
        CompletableFuture<Void> queued = route(topic, payload, qos);
        CompletionStage<Void> taken;
        try {
            taken = hook.published(topic, payload);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return queued.isDone() && !queued.isCompletedExceptionally() ? taken
                : CompletableFuture.allOf(taken.toCompletableFuture(), queued);
    }

    /** @return completes when the copies for persistent sessions are on disk */
    CompletableFuture<Void> route(String topic, byte[] payload, int qos) {
        List<CompletableFuture<Void>> written = null;
        for (Map.Entry<ClientSession, Integer> target : subscriptions.match(topic).entrySet()) {
            CompletableFuture<Void> copy = target.getKey().enqueue(topic, payload, Math.min(qos, target.getValue()),
                    false);
            if (!copy.isDone() || copy.isCompletedExceptionally()) {
                if (written == null) {
                    written = new ArrayList<>();
                }
                written.add(copy);
            }
        }
        return written == null ? CompletableFuture.completedFuture(null)
                : CompletableFuture.allOf(written.toArray(CompletableFuture[]::new));
    }

    /** @return whether the message is kept (or was an empty payload clearing the topic) */
    boolean retain(String topic, byte[] payload, int qos) {
        synchronized (retainedLock) {
            Retained previous = retained.get(topic);
            long previousBytes = previous == null ? 0 : previous.payload().length;
            if (payload.length == 0) {
                if (previous != null) {
                    retained.remove(topic);
                    retainedBytes -= previousBytes;
                }
            } else if (previous == null && retained.size() >= settings.maxRetained()) {
                metrics.error();
                warn("Retained message on '{}' refused: max.retained ({}) reached", BusPayloads.forLog(topic),
                        settings.maxRetained());
                return false;
            } else if (retainedBytes - previousBytes + payload.length > settings.maxRetainedBytes()) {
                metrics.error();
                warn("Retained message on '{}' ({} bytes) refused: max.retained.bytes ({}) would be passed,"
                                + " {} bytes are retained",
                        BusPayloads.forLog(topic), payload.length, settings.maxRetainedBytes(), retainedBytes);
                return false;
            } else {
                retained.put(topic, new Retained(payload, qos));
                retainedBytes += payload.length - previousBytes;
            }
            return true;
        }
    }

    /** @return payload bytes of the retained messages */
    long retainedBytes() {
        synchronized (retainedLock) {
            return retainedBytes;
        }
    }

    /** Takes {@code bytes} of the all-clients queue budget; false if that would pass it. */
    boolean reserveQueued(long bytes) {
        while (true) {
            long current = queuedBytes.get();
            if (current + bytes > settings.maxQueuedTotalBytes()) {
                return false;
            }
            if (queuedBytes.compareAndSet(current, current + bytes)) {
                return true;
            }
        }
    }

    /** Counts received bytes until the hook took them over; @return whether the total is now over budget */
    boolean addPending(long bytes) {
        return pendingBytes.addAndGet(bytes) > settings.maxPendingTotalBytes();
    }

    /** Takes received bytes off the total and lets paused sessions read again where budgets allow. */
    void releasePending(long bytes) {
        long now = pendingBytes.addAndGet(-bytes);
        if (now <= settings.maxPendingTotalBytes() && !paused.isEmpty()) {
            for (MqttConnection session : paused) {
                session.resumeWhenUnderBudget();
            }
        }
    }

    boolean pendingOverTotal() {
        return pendingBytes.get() > settings.maxPendingTotalBytes();
    }

    /** @return payload bytes received and not taken over yet, all clients */
    long pendingBytes() {
        return pendingBytes.get();
    }

    void paused(MqttConnection session, boolean isPaused) {
        if (isPaused) {
            paused.add(session);
        } else {
            paused.remove(session);
        }
    }

    /** Takes {@code bytes} of the total budget even past it (messages restored from the journal). */
    void forceReserveQueued(long bytes) {
        queuedBytes.addAndGet(bytes);
    }

    void releaseQueued(long bytes) {
        queuedBytes.addAndGet(-bytes);
    }

    /** @return payload bytes queued for or in flight to all clients */
    long queuedBytes() {
        return queuedBytes.get();
    }

    /** @return the retained messages a new subscription to {@code filter} receives */
    List<Map.Entry<String, Retained>> retainedFor(String filter) {
        List<Map.Entry<String, Retained>> found = new ArrayList<>();
        for (Map.Entry<String, Retained> entry : retained.entrySet()) {
            if (Topics.matches(filter, entry.getKey())) {
                found.add(entry);
            }
        }
        return found;
    }

    /** One rate-limited WARN line. */
    void warn(String format, Object... arguments) {
        long suppressed = warnings.tryAcquire();
        if (suppressed >= 0) {
            LOG.warn(suppressed > 0 ? format + " (" + suppressed + " similar warnings suppressed)" : format, arguments);
        }
    }
}
