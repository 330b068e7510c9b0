package io.karedge.edge.stream.internal;

import io.karedge.pod.LogChunk;
import io.karedge.pod.PodManagerStatus;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code kubectl logs} through the tunnel: reads the container's log from the pod manager and sends it
 * as {@code DATA} messages, following it while asked to, then ends with {@code REMOVE_CONNECT}. The request
 * is the kubelet's {@code /containerLogs/<ns>/<pod>/<container>?follow=&tailLines=&previous=&limitBytes=
 * &timestamps=&sinceSeconds=&sinceTime=}. As in the kubelet, the tail is taken first and the lines older than
 * the since limit are then left out of it; {@code timestamps} puts the line's time before it in RFC 3339 with
 * nine fraction digits, in UTC. A line whose runtime keeps no time (Karaf feature pods) counts as written
 * when it was read. Errors (a pod that does not exist, a bad request) are sent as the text the kubelet would
 * answer, then the stream ends.
 */
final class LogStream implements TunnelStream, Runnable {

    static final int READ_BYTES = 256 * 1024;
    /** Bytes in one DATA message at most. */
    static final int DATA_BYTES = 32 * 1024;

    /** Go's {@code RFC3339NanoFixed}, which the kubelet writes before each line, here always in UTC. */
    static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    /** A log line and when it was written. */
    private record Line(String text, Instant time) {
    }

    private final long connectionId;
    private final ConnectRequest request;
    private final PodManagerStatus pods;
    private final TunnelSender tunnel;
    private final Duration pollInterval;
    private final Clock clock;
    private volatile boolean stopped;
    private boolean timestamps;
    private Instant since;

    LogStream(long connectionId, ConnectRequest request, PodManagerStatus pods, TunnelSender tunnel,
              Duration pollInterval) {
        this(connectionId, request, pods, tunnel, pollInterval, Clock.systemUTC());
    }

    LogStream(long connectionId, ConnectRequest request, PodManagerStatus pods, TunnelSender tunnel,
              Duration pollInterval, Clock clock) {
        this.connectionId = connectionId;
        this.request = request;
        this.pods = pods;
        this.tunnel = tunnel;
        this.pollInterval = pollInterval;
        this.clock = clock;
    }

    /** Ends the stream at the next read (the cloud removed the connection, or the tunnel closed). */
    @Override
    public void stop() {
        stopped = true;
        synchronized (this) {
            notifyAll();
        }
    }

    @Override
    public void run() {
        try {
            serve();
        } catch (BadRequest e) {
            send(e.getMessage() + "\n");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            tunnel.send(TunnelMessage.of(connectionId, MessageType.REMOVE_CONNECT, new byte[0]));
        }
    }

    private void serve() throws BadRequest, InterruptedException {
        List<String> arguments = request.pathArguments();
        if (!request.path().startsWith("/containerLogs/") || arguments.size() != 3) {
            throw new BadRequest("bad request: expected /containerLogs/<namespace>/<pod>/<container>, not "
                    + request.path());
        }
        String namespace = arguments.get(0);
        String pod = arguments.get(1);
        String container = arguments.get(2);
        boolean follow = request.flag("follow");
        boolean previous = request.flag("previous");
        long tail = number("tailLines", -1);
        long limit = number("limitBytes", Long.MAX_VALUE);
        if (limit <= 0) {
            limit = Long.MAX_VALUE;
        }
        timestamps = request.flag("timestamps");
        since = since();
        long offset = 0;
        LogChunk chunk = pods.log(namespace, pod, container, previous, 0, READ_BYTES);
        if (!chunk.found()) {
            throw new BadRequest(pods.pod(namespace, pod).isEmpty()
                    ? "pods \"" + pod + "\" not found in namespace \"" + namespace + "\""
                    : "container \"" + container + "\" in pod \"" + pod + "\" is not available");
        }
        long sent = 0;
        if (tail >= 0) {
            ArrayDeque<Line> last = new ArrayDeque<>();
            while (true) {
                for (Line line : lines(chunk)) {
                    last.addLast(line);
                    if (last.size() > tail) {
                        last.removeFirst();
                    }
                }
                offset = chunk.nextOffset();
                if (chunk.lines().isEmpty() || stopped) {
                    break;
                }
                chunk = pods.log(namespace, pod, container, previous, offset, READ_BYTES);
            }
            sent += sendLines(List.copyOf(last), limit - sent);
        } else {
            while (!stopped && sent < limit) {
                sent += sendLines(lines(chunk), limit - sent);
                offset = chunk.nextOffset();
                if (chunk.lines().isEmpty()) {
                    break;
                }
                chunk = pods.log(namespace, pod, container, previous, offset, READ_BYTES);
            }
        }
        while (follow && !previous && !stopped && sent < limit) {
            synchronized (this) {
                if (!stopped) {
                    wait(pollInterval.toMillis());
                }
            }
            chunk = pods.log(namespace, pod, container, false, offset, READ_BYTES);
            if (!chunk.found()) {
                return;
            }
            sent += sendLines(lines(chunk), limit - sent);
            offset = chunk.nextOffset();
        }
    }

    /** The chunk's lines with their times; a line without one gets the time it was read. */
    private List<Line> lines(LogChunk chunk) {
        Instant read = clock.instant();
        List<Line> lines = new ArrayList<>(chunk.lines().size());
        for (int i = 0; i < chunk.lines().size(); i++) {
            Instant time = chunk.time(i);
            lines.add(new Line(chunk.lines().get(i), time == null ? read : time));
        }
        return lines;
    }

    /** The kubelet's rule: at most one of {@code sinceSeconds} (at least 1) and {@code sinceTime} (RFC 3339). */
    private Instant since() throws BadRequest {
        String seconds = request.first("sinceSeconds");
        String time = request.first("sinceTime");
        boolean hasSeconds = seconds != null && !seconds.isEmpty();
        boolean hasTime = time != null && !time.isEmpty();
        if (hasSeconds && hasTime) {
            throw new BadRequest("bad request: at most one of sinceTime or sinceSeconds may be specified");
        }
        if (hasSeconds) {
            long value;
            try {
                value = Long.parseLong(seconds);
            } catch (NumberFormatException e) {
                throw new BadRequest("bad request: sinceSeconds must be an integer, not \"" + seconds + "\"");
            }
            if (value < 1) {
                throw new BadRequest("bad request: sinceSeconds must be greater than 0, not " + value);
            }
            return clock.instant().minusSeconds(Math.min(value, 1L << 40));
        }
        if (hasTime) {
            try {
                return OffsetDateTime.parse(time).toInstant();
            } catch (DateTimeParseException e) {
                throw new BadRequest("bad request: sinceTime must be an RFC 3339 time such as 2006-01-02T15:04:05Z, "
                        + "not \"" + time + "\"");
            }
        }
        return null;
    }

    /** @return bytes sent */
    private long sendLines(List<Line> lines, long budget) {
        StringBuilder data = new StringBuilder();
        long sent = 0;
        for (Line line : lines) {
            if (since != null && line.time().isBefore(since)) {
                continue;
            }
            if (timestamps) {
                data.append(TIMESTAMP.format(line.time())).append(' ');
            }
            data.append(line.text()).append('\n');
            if (data.length() >= DATA_BYTES) {
                sent += send(cut(data.toString(), budget - sent));
                data.setLength(0);
                if (sent >= budget || stopped) {
                    return sent;
                }
            }
        }
        if (data.length() > 0) {
            sent += send(cut(data.toString(), budget - sent));
        }
        return sent;
    }

    private static String cut(String text, long budget) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return bytes.length <= budget ? text : new String(bytes, 0, (int) budget, StandardCharsets.UTF_8);
    }

    private int send(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0 && !tunnel.send(TunnelMessage.of(connectionId, MessageType.DATA, bytes))) {
            stopped = true;
        }
        return bytes.length;
    }

    private long number(String name, long fallback) throws BadRequest {
        String value = request.first(name);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            long number = Long.parseLong(value);
            if (number < 0) {
                throw new NumberFormatException();
            }
            return number;
        } catch (NumberFormatException e) {
            throw new BadRequest("bad request: " + name + " must be a non-negative integer, not \"" + value + "\"");
        }
    }

    /** A request that cannot be served; its message is sent to the client. */
    static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message, null, false, false);
        }
    }
}
