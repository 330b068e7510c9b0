package io.karedge.kube.api.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.ListResult;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.ResourceVersionTooOldException;
import io.karedge.api.meta.Selector;
import io.karedge.api.meta.StoredObject;
import io.karedge.api.meta.Watch;
import io.karedge.api.meta.WatchEvent;
import io.karedge.api.meta.WatchListener;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kubernetes watch, written as the API server writes it: one JSON {@code WatchEvent} per line
 * ({@code {"type":"ADDED|MODIFIED|DELETED|BOOKMARK|ERROR","object":{...}}}), flushed per event.
 *
 * <p>Without a start version (or with {@code 0}) it sends the current state as {@code ADDED} events, then
 * the changes after it; with one it sends the changes after that version, or a single {@code ERROR}
 * event with a 410 Expired Status if the store no longer keeps it. An object that stops matching the
 * label or field selector is sent as {@code DELETED}, one that starts matching as {@code ADDED}, as the
 * API server's watch cache does.
 *
 * <p>With {@code allowWatchBookmarks} a {@code BOOKMARK} event carrying only
 * {@code metadata.resourceVersion} is sent after each quiet {@code bookmarkInterval}: the version of the
 * last event sent (or the start), which is always safe to resume from. With {@code sendInitialEvents} the
 * end of the initial state is marked by a bookmark annotated {@code k8s.io/initial-events-end}.
 *
 * <p>The store's listener never blocks: events are encoded on its thread and queued; a client that reads
 * so slowly that more than {@code queueCapacity} events wait gets an {@code ERROR} event (410 Expired, so
 * that it lists again) and the stream ends.
 */
final class WatchSession {

    private static final Logger LOG = LoggerFactory.getLogger(WatchSession.class);

    /** Encodes one event of the served object, as a full object or as a Table row. */
    @FunctionalInterface
    interface Encoder {
        ObjectNode encode(ObjectNode served);
    }

    private record Line(long resourceVersion, byte[] bytes) {
    }

    private record Closed(Throwable reason) {
    }

    private record Stop() {
    }

    private static final Object OVERFLOW = new Object();

    private final MetaStore store;
    private final ApiResource resource;
    private final Selector selector;
    private final String name;
    private final ListOptions options;
    private final Encoder encoder;
    private final int queueCapacity;
    private final Duration bookmarkInterval;
    private final Duration keepalive;
    private final java.util.function.Supplier<LivePodStatus> live;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final Set<ObjectKey> matching = ConcurrentHashMap.newKeySet();
    private volatile boolean overflowed;
    private long lastVersion;

    WatchSession(MetaStore store, ApiResource resource, Selector selector, String name, ListOptions options,
                 Encoder encoder, java.util.function.Supplier<LivePodStatus> live, int queueCapacity,
                 Duration bookmarkInterval, Duration keepalive) {
        this.live = live;
        this.keepalive = keepalive;
        this.store = store;
        this.resource = resource;
        this.selector = selector;
        this.name = name;
        this.options = options;
        this.encoder = encoder;
        this.queueCapacity = queueCapacity;
        this.bookmarkInterval = bookmarkInterval;
    }

    /**
     * Streams the watch until its timeout, the client leaves, the store closes it or {@link #stop()}.
     *
     * @param start called once the watch is open, before anything is written: commits the response headers
     */
    void run(OutputStream output, Runnable start) throws IOException {
        Watch watch = null;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.timeoutSeconds());
            List<StoredObject> initial = List.of();
            boolean listFirst = options.resourceVersion().isEmpty() || options.sendInitialEvents();
            if (!listFirst) {
                lastVersion = options.resourceVersion().getAsLong();
                if (filtersByContent()) {
                    // objects that match now are the ones a change can make stop matching
                    store.list(selector).items().forEach(object -> {
                        if (matches(object)) {
                            matching.add(object.key());
                        }
                    });
                }
            } else {
                ListResult listed = store.list(selector);
                initial = listed.items().stream().filter(WatchSession.this::matches).toList();
                initial.forEach(object -> matching.add(object.key()));
                lastVersion = options.resourceVersion().isPresent() && options.sendInitialEvents()
                        ? Math.max(listed.resourceVersion(), options.resourceVersion().getAsLong())
                        : listed.resourceVersion();
            }
            long current = store.resourceVersion();
            if (lastVersion > current) {
                start.run();
                writeLine(output, error(new KubeStatusException(504, "Timeout", "Too large resource version: "
                        + lastVersion + ", current: " + current)));
                return;
            }
            try {
                watch = store.watch(selector, lastVersion, new Listener());
            } catch (ResourceVersionTooOldException e) {
                start.run();
                writeLine(output, error(KubeStatusException.expired("too old resource version: " + e.requested()
                        + " (" + e.oldestAvailable() + ")")));
                return;
            }
            start.run();
            for (StoredObject object : initial) {
                writeLine(output, event("ADDED", encoder.encode(Objects.served(object, resource, live.get()))));
            }
            if (options.sendInitialEvents() && options.allowWatchBookmarks()) {
                writeLine(output, bookmark(lastVersion, true));
            }
            output.flush();
            pump(output, deadline);
        } catch (IOException e) {
            // the client went away
        } catch (RuntimeException e) {
            LOG.warn("Watch of {} failed after resourceVersion {}: {}", resource.qualifiedName(), lastVersion,
                    e.toString());
            try {
                writeLine(output, error(new KubeStatusException(500, "InternalError", "the store failed: "
                        + e.getMessage())));
            } catch (IOException ignored) {
                // the client went away
            }
        } finally {
            if (watch != null) {
                watch.close();
            }
        }
    }

    /** Ends the stream soon, without an error event (the server stops; clients watch again). */
    void stop() {
        queue.add(new Stop());
    }

    private void pump(OutputStream output, long deadline) throws IOException {
        long lastWrite = System.nanoTime();
        while (true) {
            long now = System.nanoTime();
            if (deadline - now <= 0) {
                return;
            }
            long wait = deadline - now;
            if (options.allowWatchBookmarks()) {
                long untilBookmark = lastWrite + bookmarkInterval.toNanos() - now;
                if (untilBookmark <= 0) {
                    writeLine(output, bookmark(lastVersion, false));
                    output.flush();
                    lastWrite = now;
                    continue;
                }
                wait = Math.min(wait, untilBookmark);
            }
            long untilKeepalive = lastWrite + keepalive.toNanos() - now;
            if (untilKeepalive <= 0) {
                // a bare newline, which JSON stream decoders skip: a client that went away makes it fail
                output.write('\n');
                output.flush();
                lastWrite = now;
                continue;
            }
            wait = Math.min(wait, untilKeepalive);
            Object item;
            try {
                item = queue.poll(wait, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (item == null) {
                continue;
            }
            if (item instanceof Line line) {
                pending.decrementAndGet();
                output.write(line.bytes());
                output.flush();
                lastVersion = line.resourceVersion();
                lastWrite = System.nanoTime();
            } else if (item == OVERFLOW) {
                LOG.info("Closed a watch of {}: the client read too slowly ({} events waiting)",
                        resource.qualifiedName(), queueCapacity);
                writeLine(output, error(KubeStatusException.expired("the client reads too slowly: more than "
                        + queueCapacity + " events were waiting; list again")));
                output.flush();
                return;
            } else if (item instanceof Closed closed) {
                if (closed.reason() != null) {
                    writeLine(output, error(KubeStatusException.expired("the store closed the watch ("
                            + closed.reason().getMessage() + "); list again")));
                    output.flush();
                }
                return;
            } else if (item instanceof Stop) {
                return;
            }
        }
    }

    /** @return whether a change can move an object in or out of this watch (label or field selectors) */
    private boolean filtersByContent() {
        return !options.labels().matchesEverything() || !options.fields().requirements().isEmpty();
    }

    private boolean matches(StoredObject object) {
        if (name != null && !name.equals(object.key().name())) {
            return false;
        }
        ObjectNode json = object.object();
        return options.labels().matches(json) && options.fields().matches(json);
    }

    private ObjectNode bookmark(long version, boolean initialEventsEnd) {
        ObjectNode object = KaredgeJson.mapper().createObjectNode();
        object.put("kind", resource.kind());
        object.put("apiVersion", resource.apiVersion());
        ObjectNode metadata = object.putObject("metadata");
        metadata.put("resourceVersion", Long.toString(version));
        if (initialEventsEnd) {
            metadata.putObject("annotations").put("k8s.io/initial-events-end", "true");
        }
        return event("BOOKMARK", object);
    }

    private static ObjectNode event(String type, ObjectNode object) {
        ObjectNode event = KaredgeJson.mapper().createObjectNode();
        event.put("type", type);
        event.set("object", object);
        return event;
    }

    private static ObjectNode error(KubeStatusException status) {
        return event("ERROR", status.status());
    }

    private static void writeLine(OutputStream output, ObjectNode json) throws IOException {
        output.write(KaredgeJson.mapper().writeValueAsBytes(json));
        output.write('\n');
    }

    /** Runs on the store's thread: decides, encodes and queues; never blocks. */
    private final class Listener implements WatchListener {

        @Override
        public void onEvent(WatchEvent event) {
            if (overflowed) {
                return;
            }
            StoredObject object = event.object();
            String type = type(event.type(), object);
            if (type == null) {
                return;
            }
            byte[] bytes;
            try {
                ObjectNode line = event(type, encoder.encode(Objects.served(object, resource, live.get())));
                bytes = (KaredgeJson.mapper().writeValueAsString(line) + "\n").getBytes(
                        java.nio.charset.StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                LOG.warn("Cannot encode {} for a watch: {}", object.key(), e.toString());
                return;
            }
            if (pending.incrementAndGet() > queueCapacity) {
                overflowed = true;
                queue.add(OVERFLOW);
                return;
            }
            queue.add(new Line(event.resourceVersion(), bytes));
        }

        /**
         * @return the event type the client sees, or {@code null} to send nothing: with selectors, an object
         *         leaving them is DELETED and one entering them ADDED
         */
        private String type(WatchEvent.Type stored, StoredObject object) {
            boolean now = matches(object);
            if (!filtersByContent()) {
                return now ? stored.name() : null;
            }
            boolean before = stored == WatchEvent.Type.DELETED ? matching.remove(object.key()) || now
                    : now ? !matching.add(object.key()) : matching.remove(object.key());
            if (stored == WatchEvent.Type.DELETED) {
                return before ? "DELETED" : null;
            }
            if (now) {
                return before && stored == WatchEvent.Type.MODIFIED ? "MODIFIED" : "ADDED";
            }
            return before ? "DELETED" : null;
        }

        @Override
        public void onClose(Throwable reason) {
            queue.add(new Closed(reason));
        }
    }
}
