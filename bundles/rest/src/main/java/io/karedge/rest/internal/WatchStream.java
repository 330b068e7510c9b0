package io.karedge.rest.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.ListResult;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.meta.ResourceVersionTooOldException;
import io.karedge.api.meta.Selector;
import io.karedge.api.meta.StoredObject;
import io.karedge.api.meta.Watch;
import io.karedge.api.meta.WatchEvent;
import io.karedge.api.meta.WatchListener;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.ws.rs.core.StreamingOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch as a stream of newline-delimited JSON events, Kubernetes style:
 * {@code {"type":"ADDED|MODIFIED|DELETED|ERROR","resourceVersion":"<N>","object":{...}}}, one per line,
 * flushed per event.
 *
 * <p>Without a start version it lists first and sends an {@code ADDED} event per existing object, then
 * the changes after the list's version; with one it sends the changes after that version. A version the
 * store no longer keeps gives one {@code ERROR} event with a 410 Expired Status.
 *
 * <p>The store's listener never blocks: events are serialized on its thread and go to a queue bounded at
 * {@code queueCapacity} events and {@code maxBytes} bytes; if the client reads too slowly and the queue
 * overflows, the events queued so far are sent, then an
 * {@code ERROR} event naming the version to watch again from, and the stream ends. The stream also ends
 * at the timeout, when writing fails (the client went away), or on {@link #stop()}. While no event
 * arrives, a bare newline is written every {@code keepAlive} so that a client that went away is noticed.
 */
final class WatchStream implements StreamingOutput {

    private static final Logger LOG = LoggerFactory.getLogger(WatchStream.class);

    static final int DEFAULT_QUEUE_CAPACITY = 1024;
    static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(15);

    /** Queue items other than events. */
    private sealed interface Signal permits Overflow, Closed, Stop {
    }

    private record Overflow() implements Signal {
    }

    private record Closed(Throwable reason) implements Signal {
    }

    private record Stop() implements Signal {
    }

    /** One event, serialized on the store's thread, with the version it brings the stream to. */
    private record Line(long resourceVersion, byte[] bytes) {
    }

    private final MetaStore store;
    private final Selector selector;
    private final String name;
    private final OptionalLong fromVersion;
    private final Duration timeout;
    private final int queueCapacity;
    private final long maxBytes;
    private final Duration keepAlive;
    private final Consumer<WatchStream> onEnd;

    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong pendingBytes = new AtomicLong();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile boolean overflowed;
    private long lastVersion;

    /**
     * @param name        only events of objects with this name, or {@code null} for all the selector covers
     * @param fromVersion start after this version, or empty to list first
     * @param onEnd       called once when the stream is over (or will never run: {@link #end()})
     */
    WatchStream(MetaStore store, Selector selector, String name, OptionalLong fromVersion, Duration timeout,
                int queueCapacity, long maxBytes, Duration keepAlive, Consumer<WatchStream> onEnd) {
        this.store = store;
        this.selector = selector;
        this.name = name;
        this.fromVersion = fromVersion;
        this.timeout = timeout;
        this.queueCapacity = queueCapacity;
        this.maxBytes = maxBytes;
        this.keepAlive = keepAlive;
        this.onEnd = onEnd;
    }

    @Override
    public void write(OutputStream output) throws IOException {
        Watch watch = null;
        try {
            if (ended.get()) {
                return;
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            List<StoredObject> initial = List.of();
            if (fromVersion.isPresent()) {
                lastVersion = fromVersion.getAsLong();
                long current = store.resourceVersion();
                if (lastVersion > current) {
                    // the store is the source, never behind: a version it has not reached comes from another
                    // store (a node whose data was reset); refused as Kubernetes refuses one it cannot reach
                    writeLine(output, error(ApiStatus.tooLargeResourceVersion(lastVersion, current)));
                    output.flush();
                    return;
                }
            } else {
                ListResult listed = store.list(selector);
                initial = listed.items();
                lastVersion = listed.resourceVersion();
            }
            try {
                watch = store.watch(selector, lastVersion, new Listener());
            } catch (ResourceVersionTooOldException e) {
                writeLine(output, error(ApiStatus.failure(410, ApiStatus.EXPIRED, "too old resource version: "
                        + e.requested() + " (" + e.oldestAvailable() + "): list again and watch from the "
                        + "list's resourceVersion")));
                output.flush();
                return;
            }
            // a first keep-alive line commits the status line and headers, which a client waits for
            // before it reads any event (an empty flush does not)
            output.write('\n');
            output.flush();
            for (StoredObject object : initial) {
                if (matches(object)) {
                    writeLine(output, event("ADDED", object));
                }
            }
            output.flush();
            pump(output, deadline);
        } catch (IOException e) {
            // the client went away; there is nobody left to tell
        } catch (RuntimeException e) {
            LOG.warn("Watch of {} failed after resourceVersion {}", selector, lastVersion, e);
            writeQuietly(output, error(ApiStatus.failure(503, ApiStatus.SERVICE_UNAVAILABLE,
                    "the store failed: " + e.getMessage() + "; watch again from resourceVersion " + lastVersion)));
        } finally {
            if (watch != null) {
                watch.close();
            }
            end();
        }
    }

    /** @return bytes of events serialized and not yet written */
    long pendingBytes() {
        return pendingBytes.get();
    }

    /** Ends the stream soon, without an error event (the API is going away; clients reconnect). */
    void stop() {
        queue.add(new Stop());
    }

    /** Marks the stream as over; runs {@code onEnd} the first time only. */
    void end() {
        if (ended.compareAndSet(false, true)) {
            onEnd.accept(this);
        }
    }

    private void pump(OutputStream output, long deadline) throws IOException {
        long lastWrite = System.nanoTime();
        while (true) {
            long now = System.nanoTime();
            long untilDeadline = deadline - now;
            if (untilDeadline <= 0) {
                return;
            }
            long untilKeepAlive = lastWrite + keepAlive.toNanos() - now;
            if (untilKeepAlive <= 0) {
                output.write('\n');
                output.flush();
                lastWrite = now;
                continue;
            }
            Object item;
            try {
                item = queue.poll(Math.min(untilDeadline, untilKeepAlive), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (item instanceof Line line) {
                pending.decrementAndGet();
                pendingBytes.addAndGet(-line.bytes().length);
                output.write(line.bytes());
                output.flush();
                lastVersion = line.resourceVersion();
                lastWrite = System.nanoTime();
            } else if (item instanceof Overflow) {
                String reason = "the client reads too slowly: more than " + queueCapacity + " events or " + maxBytes
                        + " bytes (watch.buffer.max.bytes) were waiting; watch again from resourceVersion "
                        + lastVersion;
                LOG.info("Closed a watch of {}: {}", selector, reason);
                writeLine(output, error(ApiStatus.failure(500, ApiStatus.INTERNAL_ERROR, reason)));
                output.flush();
                return;
            } else if (item instanceof Closed closed) {
                if (closed.reason() != null) {
                    writeLine(output, error(ApiStatus.failure(500, ApiStatus.INTERNAL_ERROR,
                            "the store closed the watch: " + closed.reason().getMessage()
                                    + "; watch again from resourceVersion " + lastVersion)));
                    output.flush();
                }
                return;
            } else if (item instanceof Stop) {
                return;
            }
        }
    }

    private boolean matches(StoredObject object) {
        return name == null || name.equals(object.key().name());
    }

    private static ObjectNode event(String type, StoredObject object) {
        ObjectNode event = KaredgeJson.mapper().createObjectNode();
        event.put("type", type);
        event.put("resourceVersion", String.valueOf(object.resourceVersion()));
        event.set("object", object.object());
        return event;
    }

    private static ObjectNode error(ObjectNode status) {
        ObjectNode event = KaredgeJson.mapper().createObjectNode();
        event.put("type", "ERROR");
        event.set("object", status);
        return event;
    }

    private static void writeLine(OutputStream output, ObjectNode json) throws IOException {
        output.write(KaredgeJson.mapper().writeValueAsBytes(json));
        output.write('\n');
    }

    private static void writeQuietly(OutputStream output, ObjectNode json) {
        try {
            writeLine(output, json);
            output.flush();
        } catch (IOException e) {
            // the client went away
        }
    }

    /** Runs on the store's thread: only ever queues, never blocks. */
    private final class Listener implements WatchListener {

        @Override
        public void onEvent(WatchEvent event) {
            if (overflowed || !matches(event.object())) {
                return;
            }
            byte[] json;
            try {
                json = KaredgeJson.mapper().writeValueAsBytes(event(event.type().name(), event.object()));
            } catch (IOException e) {
                overflow();
                return;
            }
            byte[] bytes = Arrays.copyOf(json, json.length + 1);
            bytes[json.length] = '\n';
            long waiting = pendingBytes.get();
            // one event larger than the budget still goes out when nothing else waits
            if (pending.incrementAndGet() > queueCapacity || (waiting > 0 && waiting + bytes.length > maxBytes)) {
                overflow();
                return;
            }
            pendingBytes.addAndGet(bytes.length);
            queue.add(new Line(event.resourceVersion(), bytes));
        }

        private void overflow() {
            overflowed = true;
            queue.add(new Overflow());
        }

        @Override
        public void onClose(Throwable reason) {
            queue.add(new Closed(reason));
        }
    }
}
