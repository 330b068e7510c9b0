package io.karedge.edge.stream.internal;

import io.karedge.pod.PodManagerStatus;
import io.karedge.pod.StreamRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge end of one tunnel to CloudCore: takes the tunnel's messages, starts a stream per
 * {@code *_CONNECT} (logs, exec, attach, metrics), hands {@code REMOVE_CONNECT} to the stream it names, and answers what this node does
 * not serve with the reason and a {@code REMOVE_CONNECT}, so that the client is told rather than left
 * waiting. Transport-free: the WebSocket link feeds {@link #onMessage(byte[])} and writes through the
 * {@link TunnelSender}.
 */
final class TunnelSession implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TunnelSession.class);

    /** Streams open at once at most; more are refused. */
    static final int MAX_STREAMS = 32;

    private final PodManagerStatus pods;
    private final UsageSource usage;
    private final TunnelSender tunnel;
    private final ExecutorService executor;
    private final Duration pollInterval;
    private final Map<Long, TunnelStream> streams = new ConcurrentHashMap<>();

    TunnelSession(PodManagerStatus pods, UsageSource usage, TunnelSender tunnel, ExecutorService executor,
                  Duration pollInterval) {
        this.pods = pods;
        this.usage = usage;
        this.tunnel = tunnel;
        this.executor = executor;
        this.pollInterval = pollInterval;
    }

    int openStreams() {
        return streams.size();
    }

    /** One WebSocket message from the cloud. */
    void onMessage(byte[] bytes) {
        TunnelMessage message;
        try {
            message = TunnelMessage.decode(bytes);
        } catch (IllegalArgumentException e) {
            LOG.warn("Dropped a tunnel message that does not parse: {}", e.getMessage());
            return;
        }
        MessageType type = message.type();
        if (type == null) {
            LOG.warn("Dropped a tunnel message of unknown type {} (connection {})", message.typeCode(),
                    message.connectionId());
            return;
        }
        long id = message.connectionId();
        switch (type) {
            case LOGS_CONNECT -> openLogs(id, message.data());
            case EXEC_CONNECT -> openExec(id, message.data(), StreamRequest.Kind.EXEC);
            case ATTACH_CONNECT -> openExec(id, message.data(), StreamRequest.Kind.ATTACH);
            case METRIC_CONNECT -> openMetrics(id, message.data());
            case REMOVE_CONNECT, CLOSE_CONNECT -> {
                TunnelStream stream = streams.remove(id);
                if (stream != null) {
                    stream.stop();
                }
            }
            case DATA -> {
                TunnelStream stream = streams.get(id);
                if (stream != null) {
                    stream.input(message.data());
                }
            }
        }
    }

    private void openLogs(long id, byte[] payload) {
        open(id, payload, "a log", request -> new LogStream(id, request, pods, removedAtItsEnd(id), pollInterval));
    }

    private void openMetrics(long id, byte[] payload) {
        open(id, payload, "a metrics", request -> new MetricsStream(id, request, usage, removedAtItsEnd(id)));
    }

    private void openExec(long id, byte[] payload, StreamRequest.Kind kind) {
        open(id, payload, "an " + kind.name().toLowerCase(Locale.ROOT),
                request -> new ExecStream(id, request, kind, pods, tunnel, executor, () -> streams.remove(id)));
    }

    /**
     * Parses a connect request, keeps the stream the factory makes of it under its connection id and runs it;
     * a bad request, too many streams, a connection id in use or a stopping node is refused on the connection.
     */
    private <S extends TunnelStream & Runnable> void open(long id, byte[] payload, String what,
                                                          Function<ConnectRequest, S> factory) {
        ConnectRequest request;
        try {
            request = ConnectRequest.parse(payload);
        } catch (IllegalArgumentException e) {
            LOG.warn("Refused {} request on connection {}: {}", what, id, e.getMessage());
            refuse(id, "bad request: " + e.getMessage());
            return;
        }
        if (streams.size() >= MAX_STREAMS) {
            refuse(id, "too many streams open on this node (" + MAX_STREAMS + "); try again later");
            return;
        }
        S stream = factory.apply(request);
        if (streams.putIfAbsent(id, stream) != null) {
            refuse(id, "connection " + id + " is already open");
            return;
        }
        try {
            executor.execute(stream);
        } catch (RejectedExecutionException e) {
            streams.remove(id);
            refuse(id, "the node is stopping");
        }
    }

    /** The tunnel, for a stream that ends itself with {@code REMOVE_CONNECT}: it is then no longer kept. */
    private TunnelSender removedAtItsEnd(long id) {
        return message -> {
            if (message.type() == MessageType.REMOVE_CONNECT) {
                streams.remove(id);
            }
            return tunnel.send(message);
        };
    }

    private void refuse(long id, String reason) {
        tunnel.send(TunnelMessage.of(id, MessageType.DATA, (reason + "\n").getBytes(StandardCharsets.UTF_8)));
        tunnel.send(TunnelMessage.of(id, MessageType.REMOVE_CONNECT, new byte[0]));
    }

    /** Stops every stream (the tunnel closed). */
    @Override
    public void close() {
        streams.values().forEach(TunnelStream::stop);
        streams.clear();
    }
}
