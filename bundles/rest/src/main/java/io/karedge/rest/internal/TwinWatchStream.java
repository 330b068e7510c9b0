package io.karedge.rest.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.twin.TwinChange;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.ws.rs.core.StreamingOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A newline-delimited JSON stream of twin changes, of one device or of all. Changes are serialized as the hub
 * hands them over and queued, bounded both in count ({@code queueCapacity}) and in bytes ({@code maxBytes}),
 * then written by the request thread; a client too slow for that gets an {@code ERROR} line and the end of
 * the stream. A bare newline is written every {@code keepAlive}.
 */
final class TwinWatchStream implements StreamingOutput {

    private static final Logger LOG = LoggerFactory.getLogger(TwinWatchStream.class);

    private static final byte[] OVERFLOW = new byte[0];

    private final TwinChangeHub hub;
    private final String deviceId;
    private final Duration timeout;
    private final int queueCapacity;
    private final long maxBytes;
    private final Duration keepAlive;
    private final Runnable onEnd;
    private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    private final AtomicLong pendingBytes = new AtomicLong();
    private final AtomicBoolean overflowed = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();

    /**
     * @param deviceId only changes of this device, or {@code null} for all
     * @param onEnd    run once when the stream is over (or will never run: {@link #end()})
     */
    TwinWatchStream(TwinChangeHub hub, String deviceId, Duration timeout, int queueCapacity, long maxBytes,
                    Duration keepAlive, Runnable onEnd) {
        this.hub = hub;
        this.deviceId = deviceId;
        this.timeout = timeout;
        this.queueCapacity = queueCapacity;
        this.maxBytes = maxBytes;
        this.keepAlive = keepAlive;
        this.onEnd = onEnd;
    }

    TwinWatchStream(TwinChangeHub hub, String deviceId, Duration timeout, int queueCapacity, Duration keepAlive) {
        this(hub, deviceId, timeout, queueCapacity, RestLimits.DEFAULT_WATCH_BUFFER_MAX_BYTES, keepAlive, () -> { });
    }

    @Override
    public void write(OutputStream output) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (AutoCloseable subscription = hub.subscribe(this::offer)) {
            output.write('\n');
            output.flush();
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                byte[] item = queue.poll(Math.min(left, keepAlive.toNanos()), TimeUnit.NANOSECONDS);
                if (item == null) {
                    output.write('\n');
                } else if (item == OVERFLOW) {
                    String reason = "the client reads too slowly: more than " + queueCapacity + " changes or "
                            + maxBytes + " bytes (watch.buffer.max.bytes) were waiting";
                    LOG.info("Closed a twin watch{}: {}", deviceId == null ? "" : " of " + deviceId, reason);
                    ObjectNode error = KaredgeJson.mapper().createObjectNode();
                    error.put("type", "ERROR");
                    error.set("object", ApiStatus.failure(500, ApiStatus.TOO_MANY_REQUESTS, reason));
                    output.write(KaredgeJson.mapper().writeValueAsBytes(error));
                    output.write('\n');
                    output.flush();
                    return;
                } else {
                    pendingBytes.addAndGet(-item.length);
                    output.write(item);
                }
                output.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client went away
        } catch (Exception e) {
            throw new IOException(e);
        } finally {
            end();
        }
    }

    /** Marks the stream as over; runs {@code onEnd} the first time only. */
    void end() {
        if (ended.compareAndSet(false, true)) {
            onEnd.run();
        }
    }

    /** @return bytes serialized and not yet written */
    long pendingBytes() {
        return pendingBytes.get();
    }

    /** Runs on the hub's caller: serializes and queues, never blocks. */
    private void offer(TwinChange change) {
        if (deviceId != null && !deviceId.equals(change.deviceId())) {
            return;
        }
        if (overflowed.get()) {
            return;
        }
        byte[] line;
        try {
            byte[] json = KaredgeJson.mapper().writeValueAsBytes(TwinJson.change(change));
            line = Arrays.copyOf(json, json.length + 1);
            line[json.length] = '\n';
        } catch (JsonProcessingException e) {
            return;
        }
        long waiting = pendingBytes.get();
        // one change larger than the budget still goes out when nothing else waits
        if (queue.size() >= queueCapacity || (waiting > 0 && waiting + line.length > maxBytes)) {
            overflowed.set(true);
            queue.add(OVERFLOW);
            return;
        }
        pendingBytes.addAndGet(line.length);
        queue.add(line);
    }
}
