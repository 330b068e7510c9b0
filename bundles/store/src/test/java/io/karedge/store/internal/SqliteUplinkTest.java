package io.karedge.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.uplink.UplinkEntry;
import io.karedge.api.uplink.UplinkMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteUplinkTest {

    @TempDir
    Path dataDirectory;

    private Store store;
    private SqliteUplink uplink;

    @BeforeEach
    void open() {
        store = Store.open(dataDirectory, StoreSettings.defaults());
        uplink = store.uplink();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static UplinkMessage message(String resource, int value, String coalesceKey) {
        ObjectNode content = KaredgeJson.mapper().createObjectNode().put("value", value);
        return new UplinkMessage("edged", "resource", "update", resource, content, coalesceKey);
    }

    private static List<String> resources(List<UplinkEntry> entries) {
        return entries.stream().map(entry -> entry.message().resource() + "=" + entry.message().content()
                .path("value").asInt()).toList();
    }

    @Test
    void entriesComeOutInEnqueueOrder() {
        UplinkEntry first = uplink.enqueue(message("default/podstatus/a", 1, null));
        UplinkEntry second = uplink.enqueue(message("default/podstatus/b", 2, null));
        uplink.enqueue(message("default/podstatus/c", 3, null));

        List<UplinkEntry> pending = uplink.pending(0, 10);

        assertThat(second.sequence()).isGreaterThan(first.sequence());
        assertThat(resources(pending)).containsExactly(
                "default/podstatus/a=1", "default/podstatus/b=2", "default/podstatus/c=3");
        assertThat(pending.get(0)).isEqualTo(first);
        assertThat(pending.get(0).message().source()).isEqualTo("edged");
        assertThat(pending.get(0).message().group()).isEqualTo("resource");
        assertThat(pending.get(0).message().operation()).isEqualTo("update");
        assertThat(resources(uplink.pending(first.sequence(), 1))).containsExactly("default/podstatus/b=2");
        assertThat(uplink.pending(0, 0)).isEmpty();
        assertThat(uplink.depth()).isEqualTo(3);
    }

    @Test
    void coalescingReplacesTheWaitingEntryAndMovesItToTheEnd() {
        uplink.enqueue(message("node/status", 1, "node-status"));
        uplink.enqueue(message("twin/a", 1, null));
        uplink.enqueue(message("node/status", 2, "node-status"));
        uplink.enqueue(message("twin/b", 1, null));
        UplinkEntry latest = uplink.enqueue(message("node/status", 3, "node-status"));

        List<UplinkEntry> pending = uplink.pending(0, 10);

        assertThat(resources(pending)).containsExactly("twin/a=1", "twin/b=1", "node/status=3");
        assertThat(latest.coalesced()).isEqualTo(2);
        assertThat(pending.get(2)).isEqualTo(latest);
        assertThat(pending.get(0).coalesced()).isZero();
        assertThat(uplink.depth()).isEqualTo(3);
        UplinkEntry other = uplink.enqueue(message("node/other", 1, "other-key"));
        assertThat(other.coalesced()).isZero();
    }

    @Test
    void acknowledgingRemovesAnEntryForGood() {
        UplinkEntry first = uplink.enqueue(message("a", 1, null));
        UplinkEntry second = uplink.enqueue(message("b", 2, null));

        uplink.acknowledge(first.sequence());
        uplink.acknowledge(first.sequence());
        uplink.acknowledge(999_999);

        assertThat(uplink.pending(0, 10)).containsExactly(second);
        assertThat(uplink.depth()).isEqualTo(1);
        uplink.acknowledge(second.sequence());
        assertThat(uplink.depth()).isZero();
        // sequences keep growing after the outbox was emptied
        assertThat(uplink.enqueue(message("c", 3, null)).sequence()).isGreaterThan(second.sequence());
    }

    @Test
    void theOutboxSurvivesReopening() {
        uplink.enqueue(message("a", 1, "k"));
        UplinkEntry acknowledged = uplink.enqueue(message("b", 2, null));
        uplink.enqueue(message("a", 3, "k"));
        uplink.acknowledge(acknowledged.sequence());
        long lastSequence = uplink.pending(0, 10).get(0).sequence();

        store.close();
        open();

        assertThat(uplink.depth()).isEqualTo(1);
        List<UplinkEntry> pending = uplink.pending(0, 10);
        assertThat(resources(pending)).containsExactly("a=3");
        assertThat(pending.get(0).coalesced()).isEqualTo(1);
        assertThat(uplink.enqueue(message("c", 4, null)).sequence()).isGreaterThan(lastSequence);
        UplinkEntry coalescedAfterRestart = uplink.enqueue(message("a", 5, "k"));
        assertThat(coalescedAfterRestart.coalesced()).isEqualTo(2);
    }

    @Test
    void callbacksRunAfterEachEnqueueOnAStoreThreadUntilUnregistered() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<String> threads = new CopyOnWriteArrayList<>();
        List<Long> depthSeen = new CopyOnWriteArrayList<>();
        AutoCloseable registration = uplink.onEnqueue(() -> {
            threads.add(Thread.currentThread().getName());
            depthSeen.add(uplink.depth());
            calls.incrementAndGet();
        });
        uplink.onEnqueue(() -> {
            throw new IllegalStateException("a failing callback does not disturb the others");
        });

        uplink.enqueue(message("a", 1, null));
        uplink.enqueue(message("b", 2, null));
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() == 2);
        registration.close();
        uplink.enqueue(message("c", 3, null));

        Thread.sleep(200);
        assertThat(calls.get()).isEqualTo(2);
        assertThat(threads).allMatch(name -> name.startsWith("karedge-store-events-"));
        // the entry was committed before the callback ran
        assertThat(depthSeen).allMatch(depth -> depth >= 1);
    }
}
