package io.karedge.edge.stream.internal;

import io.karedge.pod.LogChunk;
import io.karedge.pod.PodManagerStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;

/**
 * One {@code kubectl logs} through the tunnel: reads the container's log from the pod manager and sends it
 * as {@code DATA} messages, following it while asked to, then ends with {@code REMOVE_CONNECT}. The request
 * is the kubelet's {@code /containerLogs/<ns>/<pod>/<container>?follow=&tailLines=&previous=&limitBytes=}.
 * Errors (a pod that does not exist, a bad request) are sent as the text the kubelet would answer, then the
 * stream ends.
 */
final class LogStream implements TunnelStream, Runnable {

    static final int READ_BYTES = 256 * 1024;
    /** Bytes in one DATA message at most. */
    static final int DATA_BYTES = 32 * 1024;

    private final long connectionId;
    private final ConnectRequest request;
    private final PodManagerStatus pods;
    private final TunnelSender tunnel;
    private final Duration pollInterval;
    private volatile boolean stopped;

    LogStream(long connectionId, ConnectRequest request, PodManagerStatus pods, TunnelSender tunnel,
              Duration pollInterval) {
        this.connectionId = connectionId;
        this.request = request;
        this.pods = pods;
        this.tunnel = tunnel;
        this.pollInterval = pollInterval;
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
        long offset = 0;
        LogChunk chunk = pods.log(namespace, pod, container, previous, 0, READ_BYTES);
        if (!chunk.found()) {
            throw new BadRequest(pods.pod(namespace, pod).isEmpty()
                    ? "pods \"" + pod + "\" not found in namespace \"" + namespace + "\""
                    : "container \"" + container + "\" in pod \"" + pod + "\" is not available");
        }
        long sent = 0;
        if (tail >= 0) {
            ArrayDeque<String> last = new ArrayDeque<>();
            while (true) {
                for (String line : chunk.lines()) {
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
                sent += sendLines(chunk.lines(), limit - sent);
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
            sent += sendLines(chunk.lines(), limit - sent);
            offset = chunk.nextOffset();
        }
    }

    /** @return bytes sent */
    private long sendLines(List<String> lines, long budget) {
        StringBuilder data = new StringBuilder();
        long sent = 0;
        for (String line : lines) {
            data.append(line).append('\n');
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
