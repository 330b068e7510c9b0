package io.karedge.rest.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.twin.TwinChange;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.ws.rs.core.StreamingOutput;

/**
 * A newline-delimited JSON stream of twin changes, of one device or of all. Changes are queued (at most
 * {@code queueCapacity}) by the hub and written by the request thread; a client too slow for that gets an
 * {@code ERROR} line and the end of the stream. A bare newline is written every {@code keepAlive}.
 */
final class TwinWatchStream implements StreamingOutput {

    private static final Object OVERFLOW = new Object();

    private final TwinChangeHub hub;
    private final String deviceId;
    private final Duration timeout;
    private final int queueCapacity;
    private final Duration keepAlive;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicBoolean overflowed = new AtomicBoolean();

    /** @param deviceId only changes of this device, or {@code null} for all */
    TwinWatchStream(TwinChangeHub hub, String deviceId, Duration timeout, int queueCapacity, Duration keepAlive) {
        this.hub = hub;
        this.deviceId = deviceId;
        this.timeout = timeout;
        this.queueCapacity = queueCapacity;
        this.keepAlive = keepAlive;
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
                Object item = queue.poll(Math.min(left, keepAlive.toNanos()), TimeUnit.NANOSECONDS);
                if (item == null) {
                    output.write('\n');
                } else if (item == OVERFLOW) {
                    ObjectNode error = KaredgeJson.mapper().createObjectNode();
                    error.put("type", "ERROR");
                    error.set("object", ApiStatus.failure(500, ApiStatus.TOO_MANY_REQUESTS,
                            "the client reads too slowly; more than " + queueCapacity + " changes were waiting"));
                    writeLine(output, error);
                    return;
                } else {
                    writeLine(output, TwinJson.change((TwinChange) item));
                }
                output.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client went away
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private void offer(TwinChange change) {
        if (deviceId != null && !deviceId.equals(change.deviceId())) {
            return;
        }
        if (overflowed.get()) {
            return;
        }
        if (queue.size() >= queueCapacity) {
            overflowed.set(true);
            queue.add(OVERFLOW);
            return;
        }
        queue.add(change);
    }

    private static void writeLine(OutputStream output, ObjectNode node) throws IOException {
        output.write(KaredgeJson.mapper().writeValueAsBytes(node));
        output.write('\n');
    }
}
