package io.karedge.rest.internal;

import static io.karedge.rest.internal.Json.device;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.meta.ObjectKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.StreamingOutput;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WatchTest {

    private InMemoryMetaStore store;
    private ObjectsResource resource;

    @BeforeEach
    void setUp() {
        store = new InMemoryMetaStore(50);
        resource = new ObjectsResource(store, 8, 1000, Duration.ofSeconds(15));
    }

    @AfterEach
    void tearDown() {
        resource.deactivate();
    }

    /** A watch response being written by its own thread, as the JAX-RS runtime would. */
    private static final class Running {

        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final Thread thread;

        Running(Response response) {
            this(response, null);
        }

        Running(Response response, OutputStream target) {
            assertThat(response.getStatus()).isEqualTo(200);
            StreamingOutput stream = (StreamingOutput) response.getEntity();
            OutputStream out = target == null ? buffer : target;
            thread = new Thread(() -> {
                try {
                    stream.write(out);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, "watch-writer");
            thread.start();
        }

        List<JsonNode> events() {
            return Json.lines(buffer.toString(StandardCharsets.UTF_8));
        }

        String text() {
            return buffer.toString(StandardCharsets.UTF_8);
        }

        boolean finishes(Duration within) throws InterruptedException {
            thread.join(within.toMillis());
            return !thread.isAlive();
        }
    }

    private static String type(JsonNode event) {
        return event.path("type").asText();
    }

    private static String name(JsonNode event) {
        return event.path("object").path("metadata").path("name").asText();
    }

    private static long version(JsonNode event) {
        return Long.parseLong(event.path("resourceVersion").asText());
    }

    @Test
    void withoutVersionSendsExistingObjectsThenLiveChanges() throws Exception {
        store.put(device("default", "a", "modbus"), "cloud");
        store.put(device("default", "b", "modbus"), "cloud");
        store.put(device("plant", "c", "modbus"), "cloud");

        Running watch = new Running(resource.listNamespaced("default", "devices", "true", null, null));
        await().until(() -> watch.events().size() == 2);
        store.put(device("default", "d", "opcua"), "cloud");
        store.put(device("default", "a", "opcua"), "cloud");
        store.put(device("plant", "c", "opcua"), "cloud");
        store.delete(ObjectKey.of("Device", "default", "b"));

        await().until(() -> watch.events().size() == 5);
        List<JsonNode> events = watch.events();
        assertThat(events).extracting(WatchTest::type)
                .containsExactly("ADDED", "ADDED", "ADDED", "MODIFIED", "DELETED");
        assertThat(events).extracting(WatchTest::name).containsExactly("a", "b", "d", "a", "b");
        assertThat(events).extracting(WatchTest::version).containsExactly(1L, 2L, 4L, 5L, 7L);
        assertThat(events.get(3).path("object").path("spec").path("protocol").path("protocolName").asText())
                .isEqualTo("opcua");

        resource.deactivate();
        assertThat(watch.finishes(Duration.ofSeconds(5))).isTrue();
        assertThat(store.openWatchCount()).isZero();
        assertThat(resource.openWatchCount()).isZero();
    }

    @Test
    void listThenWatchHasNoGapAndNoDuplicateUnderConcurrentWrites() throws Exception {
        for (int i = 0; i < 20; i++) {
            store.put(device("default", "pre-" + i, "modbus"), "cloud");
        }
        CountDownLatch go = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            try {
                go.await();
            } catch (InterruptedException e) {
                return;
            }
            for (int i = 0; i < 30; i++) {
                store.put(device("default", "live-" + i, "modbus"), "cloud");
                store.put(device("default", "pre-" + i % 20, "opcua-" + i), "cloud");
            }
        });
        writer.start();
        go.countDown();
        Running watch = new Running(resource.list("devices", "true", null, null));
        writer.join();

        long last = store.resourceVersion();
        await().until(() -> {
            List<JsonNode> events = watch.events();
            return !events.isEmpty() && version(events.get(events.size() - 1)) == last;
        });
        List<JsonNode> events = watch.events();
        Set<String> seen = new HashSet<>();
        long previousLive = 0;
        boolean initialPhase = true;
        for (JsonNode event : events) {
            if (initialPhase && !"ADDED".equals(type(event))) {
                initialPhase = false;
            }
            seen.add(name(event));
            if (!initialPhase) {
                assertThat(version(event)).isGreaterThan(previousLive);
                previousLive = version(event);
            }
        }
        assertThat(seen).hasSize(50);
        // replaying the events gives the store's final contents
        java.util.Map<String, String> state = new java.util.HashMap<>();
        events.forEach(e -> state.put(name(e),
                e.path("object").path("spec").path("protocol").path("protocolName").asText()));
        store.list(io.karedge.api.meta.Selector.kind("Device")).items().forEach(o ->
                assertThat(state.get(o.key().name()))
                        .isEqualTo(o.object().path("spec").path("protocol").path("protocolName").asText()));
    }

    @Test
    void withVersionSendsOnlyLaterChanges() throws Exception {
        store.put(device("default", "a", "modbus"), "cloud");
        store.put(device("default", "b", "modbus"), "cloud");
        store.put(device("default", "a", "opcua"), "cloud");

        Running watch = new Running(resource.list("devices", "true", "2", null));
        await().until(() -> watch.events().size() == 1);
        store.put(device("default", "c", "modbus"), "cloud");
        await().until(() -> watch.events().size() == 2);

        assertThat(watch.events()).extracting(WatchTest::type).containsExactly("MODIFIED", "ADDED");
        assertThat(watch.events()).extracting(WatchTest::version).containsExactly(3L, 4L);
    }

    @Test
    void watchOfOneNamedObjectSkipsOthers() throws Exception {
        store.put(device("default", "a", "modbus"), "cloud");
        store.put(device("default", "b", "modbus"), "cloud");

        Running watch = new Running(resource.getNamespaced("default", "devices", "a", "true", null, null));
        await().until(() -> watch.events().size() == 1);
        store.put(device("default", "b", "opcua"), "cloud");
        store.put(device("default", "a", "opcua"), "cloud");

        await().until(() -> watch.events().size() == 2);
        assertThat(watch.events()).extracting(WatchTest::name).containsExactly("a", "a");
        assertThat(watch.events()).extracting(WatchTest::type).containsExactly("ADDED", "MODIFIED");
    }

    @Test
    void tooOldVersionGivesOne410ExpiredErrorAndEnds() throws Exception {
        for (int i = 0; i < 80; i++) {
            store.put(device("default", "d" + i, "modbus"), "cloud");
        }

        Running watch = new Running(resource.list("devices", "true", "3", null));

        assertThat(watch.finishes(Duration.ofSeconds(5))).isTrue();
        List<JsonNode> events = watch.events();
        assertThat(events).hasSize(1);
        assertThat(type(events.get(0))).isEqualTo("ERROR");
        JsonNode status = events.get(0).path("object");
        assertThat(status.path("kind").asText()).isEqualTo("Status");
        assertThat(status.path("code").asInt()).isEqualTo(410);
        assertThat(status.path("reason").asText()).isEqualTo("Expired");
        assertThat(status.path("message").asText()).startsWith("too old resource version: 3 (30)");
        assertThat(resource.openWatchCount()).isZero();
    }

    @Test
    void endsAtTheTimeout() throws Exception {
        store.put(device("default", "a", "modbus"), "cloud");
        long start = System.nanoTime();

        Running watch = new Running(resource.list("devices", "true", null, "1"));

        assertThat(watch.finishes(Duration.ofSeconds(5))).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(900),
                Duration.ofSeconds(4));
        assertThat(watch.events()).hasSize(1);
        assertThat(store.openWatchCount()).isZero();
        assertThat(resource.openWatchCount()).isZero();
    }

    @Test
    void writesKeepAliveNewlinesWhileIdle() throws Exception {
        resource = new ObjectsResource(store, 8, 1000, Duration.ofMillis(100));

        Running watch = new Running(resource.list("devices", "true", null, null));

        await().until(() -> watch.text().startsWith("\n\n"));
        assertThat(watch.events()).isEmpty();
    }

    @Test
    void clientThatGoesAwayEndsTheWatchAndFreesItsSlot() throws Exception {
        store.put(device("default", "a", "modbus"), "cloud");
        OutputStream brokenAfterFirstEvent = new OutputStream() {
            private int lines;

            @Override
            public void write(int b) throws IOException {
                if (lines >= 2) { // the opening keep-alive line, then the first event
                    throw new IOException("Broken pipe");
                }
                if (b == '\n') {
                    lines++;
                }
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                for (int i = off; i < off + len; i++) {
                    write(b[i]);
                }
            }
        };

        Running watch = new Running(resource.list("devices", "true", null, null), brokenAfterFirstEvent);
        await().until(() -> store.openWatchCount() == 1);
        store.put(device("default", "b", "modbus"), "cloud");

        assertThat(watch.finishes(Duration.ofSeconds(5))).isTrue();
        assertThat(store.openWatchCount()).isZero();
        assertThat(resource.openWatchCount()).isZero();
    }

    @Test
    void slowClientOverflowsTheQueueAndGetsAnErrorNamingWhereToResume() throws Exception {
        resource = new ObjectsResource(store, 8, 3, Duration.ofSeconds(15));
        CountDownLatch clientReads = new CountDownLatch(1);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        OutputStream slow = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    clientReads.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                received.write(b, off, len);
            }
        };

        Running watch = new Running(resource.list("devices", "true", null, null), slow);
        await().until(() -> store.openWatchCount() == 1);
        for (int i = 0; i < 10; i++) {
            store.put(device("default", "d" + i, "modbus"), "cloud");
        }
        Thread.sleep(200);
        clientReads.countDown();

        assertThat(watch.finishes(Duration.ofSeconds(5))).isTrue();
        List<JsonNode> events = Json.lines(received.toString(StandardCharsets.UTF_8));
        JsonNode error = events.get(events.size() - 1);
        assertThat(type(error)).isEqualTo("ERROR");
        assertThat(error.path("object").path("code").asInt()).isEqualTo(500);
        long lastDelivered = version(events.get(events.size() - 2));
        assertThat(error.path("object").path("message").asText())
                .contains("reads too slowly")
                .endsWith("watch again from resourceVersion " + lastDelivered);
        assertThat(events.size() - 1).isLessThanOrEqualTo(4);
        assertThat(store.openWatchCount()).isZero();
        assertThat(resource.openWatchCount()).isZero();
    }

    @Test
    void storeThatStopsEndsTheWatchWithAnError() throws Exception {
        Running watch = new Running(resource.list("devices", "true", null, null));
        await().until(() -> store.openWatchCount() == 1);

        store.close();

        assertThat(watch.finishes(Duration.ofSeconds(5))).isTrue();
        List<JsonNode> events = watch.events();
        assertThat(events).hasSize(1);
        assertThat(type(events.get(0))).isEqualTo("ERROR");
        assertThat(events.get(0).path("object").path("message").asText())
                .startsWith("the store closed the watch: the store stopped");
    }

    @Test
    void slowClientOverTheByteBudgetIsClosedWithTheReason() throws Exception {
        // a budget of 4 KiB, a queue of 1000 events: the bytes run out first
        resource = new ObjectsResource(store, new RestLimits(1024, 4096, 8), 1000, Duration.ofSeconds(15));
        CountDownLatch clientReads = new CountDownLatch(1);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        OutputStream slow = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    clientReads.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                received.write(b, off, len);
            }
        };

        Running watch = new Running(resource.list("devices", "true", null, null), slow);
        await().until(() -> store.openWatchCount() == 1);
        for (int i = 0; i < 200; i++) {
            store.put(device("default", "big-" + i, "x".repeat(200)), "cloud");
        }
        Thread.sleep(200);
        clientReads.countDown();

        assertThat(watch.finishes(Duration.ofSeconds(5))).isTrue();
        List<JsonNode> events = Json.lines(received.toString(StandardCharsets.UTF_8));
        JsonNode error = events.get(events.size() - 1);
        assertThat(type(error)).isEqualTo("ERROR");
        assertThat(error.path("object").path("message").asText())
                .contains("reads too slowly").contains("4096 bytes (watch.buffer.max.bytes)");
        // far fewer than the 200 changes were held for the client
        assertThat(events.size() - 1).isLessThan(20);
        assertThat(resource.openWatchCount()).isZero();
    }

    @Test
    void aVersionTheStoreHasNotReachedIsRefusedAsTooLarge() throws Exception {
        store.put(device("default", "a", "modbus"), "cloud");
        long current = store.resourceVersion();
        String future = String.valueOf(current + 100);

        Running watch = new Running(resource.list("devices", "true", future, null));
        assertThat(watch.finishes(Duration.ofSeconds(5))).isTrue();
        List<JsonNode> events = watch.events();
        assertThat(events).hasSize(1);
        JsonNode status = events.get(0).path("object");
        assertThat(type(events.get(0))).isEqualTo("ERROR");
        assertThat(status.path("code").asInt()).isEqualTo(504);
        assertThat(status.path("reason").asText()).isEqualTo("Timeout");
        assertThat(status.path("message").asText())
                .isEqualTo("Timeout: Too large resource version: " + future + ", current: " + current);
        assertThat(status.path("details").path("causes").get(0).path("reason").asText())
                .isEqualTo("ResourceVersionTooLarge");
        assertThat(resource.openWatchCount()).isZero();

        Response list = resource.list("devices", null, future, null);
        assertThat(list.getStatus()).isEqualTo(504);
        assertThat(list.getHeaderString("Retry-After")).isEqualTo("1");
        assertThat(resource.list("devices", null, String.valueOf(current), null).getStatus()).isEqualTo(200);
    }

    @Test
    void twinWatchesShareTheWatchSlots() {
        RestLimits limits = new RestLimits(1024, 4096, 1);
        resource = new ObjectsResource(store, limits, 100, Duration.ofSeconds(15));
        Response objects = resource.list("devices", "true", null, null);
        assertThat(objects.getStatus()).isEqualTo(200);

        Response twins = TwinsResource.stream(new TwinChangeHub(), limits, null, null);
        assertThat(twins.getStatus()).isEqualTo(429);
        ((WatchStream) objects.getEntity()).end();
        assertThat(TwinsResource.stream(new TwinChangeHub(), limits, null, null).getStatus()).isEqualTo(200);
    }
}
