package io.karedge.twin.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.twin.TwinOperation;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinRecord;
import io.karedge.api.twin.TwinReply;
import io.karedge.api.twin.TwinRequest;
import io.karedge.api.twin.TwinStore;
import io.karedge.api.twin.TwinVersionConflictException;
import io.karedge.api.twin.TwinWrite;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * With the default settings, the batches of many devices wait in {@link TwinStore#write} at the same
 * time, so a group-committing store can make them durable with one commit.
 */
class SharedCommitTest extends TwinFixture {

    /** Lets writes through only once {@code expected} of them are waiting together (or after a timeout). */
    private static final class GatheringStore implements TwinStore {
        final InMemoryTwinStore delegate;
        final AtomicInteger waiting = new AtomicInteger();
        final AtomicInteger mostWaiting = new AtomicInteger();
        volatile int expected; // 0: writes go through at once (while the devices join)

        GatheringStore(InMemoryTwinStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public Map<String, TwinRecord> write(TwinWrite write) throws TwinVersionConflictException {
            int now = waiting.incrementAndGet();
            mostWaiting.accumulateAndGet(now, Math::max);
            synchronized (this) {
                notifyAll();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                while (mostWaiting.get() < expected && System.nanoTime() < deadline) {
                    try {
                        wait(50);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
            waiting.decrementAndGet();
            return delegate.write(write);
        }

        @Override
        public Map<String, TwinRecord> get(String deviceId) {
            return delegate.get(deviceId);
        }

        @Override
        public Optional<TwinRecord> get(String deviceId, String property) {
            return delegate.get(deviceId, property);
        }

        @Override
        public TwinRecord put(String deviceId, String property, JsonNode twin, long expectedVersion)
                throws TwinVersionConflictException {
            return delegate.put(deviceId, property, twin, expectedVersion);
        }

        @Override
        public Map<String, TwinRecord> putAll(String deviceId, Map<String, JsonNode> twins) {
            return delegate.putAll(deviceId, twins);
        }

        @Override
        public boolean delete(String deviceId, String property) {
            return delegate.delete(deviceId, property);
        }

        @Override
        public int deleteDevice(String deviceId) {
            return delegate.deleteDevice(deviceId);
        }

        @Override
        public Set<String> devices() {
            return delegate.devices();
        }

        @Override
        public long count() {
            return delegate.count();
        }
    }

    @Test
    void writesOfManyDevicesWaitInTheStoreTogether() throws Exception {
        GatheringStore gathering = new GatheringStore(store);
        start(gathering, EngineSettings.defaults());
        int devices = 32;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < devices; i++) {
            ids.add("plant-c/dev-" + i);
            join(ids.get(i));
        }
        gathering.mostWaiting.set(0);
        gathering.expected = devices;

        List<CompletableFuture<TwinReply>> replies = new ArrayList<>();
        long start = System.nanoTime();
        for (String id : ids) {
            String payload = "{\"twin\": {\"level\": {\"actual\": {\"value\": \"1\"}}}}";
            replies.add(engine.handle(TwinRequest.ofPayload(TwinOperation.TWIN_UPDATE, id,
                    payload.getBytes(StandardCharsets.UTF_8), TwinOrigin.DRIVER)).toCompletableFuture());
        }
        CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(replies).allSatisfy(reply -> assertThat(reply.join().code()).isEqualTo(200));
        assertThat(gathering.mostWaiting.get()).as("device batches waiting in the store at once")
                .isEqualTo(devices);
        assertThat(millis).as("no write had to wait for the gathering timeout").isLessThan(3000);
    }
}
