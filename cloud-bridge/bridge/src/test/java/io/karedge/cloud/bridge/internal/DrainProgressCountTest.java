package io.karedge.cloud.bridge.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.karedge.api.json.KaredgeJson;
import io.karedge.api.progress.ProgressTracker;
import io.karedge.api.progress.TaskProgress;
import io.karedge.api.progress.TaskState;
import io.karedge.api.uplink.Uplink;
import io.karedge.api.uplink.UplinkEntry;
import io.karedge.api.uplink.UplinkMessage;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The counting of {@link DrainProgress} when removals commit on several threads and report out of order:
 * the store may already be empty of the backlog while the report of an entry is still on its way.
 */
class DrainProgressCountTest {

    private final Instant connect = Instant.parse("2026-12-06T10:00:00Z");
    private final MemoryUplink uplink = new MemoryUplink();
    private final RecordingTracker tracker = new RecordingTracker();
    private final DrainProgress progress = new DrainProgress(() -> tracker, uplink,
            Clock.fixed(connect, ZoneOffset.UTC));

    @Test
    void theLastTwoRemovalsReportedInReverseOrderAreBothCounted() {
        int backlog = connectWithBacklogRead(DrainProgress.MIN_BACKLOG);
        uplink.add(backlog + 1, connect.plusSeconds(1)); // enqueued after the connect
        progress.read(uplink.entries.get((long) backlog + 1)); // the drainer has read past the backlog

        for (long s = 1; s <= backlog - 2; s++) {
            progress.removing();
            uplink.entries.remove(s);
            progress.removed(s);
        }
        // the last two removals begin together; both commit; the later one reports first
        progress.removing();
        progress.removing();
        uplink.entries.remove((long) backlog - 1);
        uplink.entries.remove((long) backlog);
        progress.removed(backlog);
        assertThat(drain().running()).as("a removal is still on its way").isTrue();
        progress.removed(backlog - 1);

        TaskProgress drain = drain();
        assertThat(drain.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(drain.message()).isEqualTo(backlog + " entries delivered");
    }

    @Test
    void aFailedRemovalDoesNotHoldBackTheEndOfTheTask() {
        int backlog = connectWithBacklogRead(DrainProgress.MIN_BACKLOG);
        progress.removing();
        progress.removalFailed(); // entry 1 stays and is sent again
        for (long s = 1; s <= backlog; s++) {
            progress.removing();
            uplink.entries.remove(s);
            progress.removed(s);
        }
        assertThat(drain().message()).isEqualTo(backlog + " entries delivered");
    }

    @Test
    void backlogEntriesReplacedBeforeTheirTurnEndTheTaskOnceNoRemovalIsOnItsWay() {
        int backlog = (int) DrainProgress.MIN_BACKLOG;
        connectWithBacklogRead(backlog - 5, backlog);
        for (long s = backlog - 4; s <= backlog; s++) {
            uplink.entries.remove(s); // coalesced into a newer entry
        }
        uplink.add(backlog + 1, connect.plusSeconds(1));
        progress.read(uplink.entries.get((long) backlog + 1));
        for (long s = 1; s <= backlog - 5; s++) {
            progress.removing();
            uplink.entries.remove(s);
            progress.removed(s);
        }
        assertThat(drain().message()).isEqualTo((backlog - 5) + " entries delivered, 5 replaced by newer ones"
                + " before their turn");
    }

    /** A backlog of {@code size} entries enqueued before the connect, all read by the drainer; @return size */
    private int connectWithBacklogRead(long size) {
        return connectWithBacklogRead(size, size);
    }

    /** A backlog of {@code size} entries enqueued before the connect, the first {@code read} read by the drainer */
    private int connectWithBacklogRead(long read, long size) {
        for (long s = 1; s <= size; s++) {
            uplink.add(s, connect.minusSeconds(1));
        }
        progress.connected();
        for (long s = 1; s <= read; s++) {
            progress.read(uplink.entries.get(s));
        }
        return (int) size;
    }

    private TaskProgress drain() {
        List<TaskProgress> drains = tracker.ofKind(ProgressTracker.UPLINK_DRAIN);
        assertThat(drains).hasSize(1);
        return drains.get(0);
    }

    /** An Uplink in memory, ordered by sequence. */
    private static final class MemoryUplink implements Uplink {
        final TreeMap<Long, UplinkEntry> entries = new TreeMap<>();

        void add(long sequence, Instant at) {
            entries.put(sequence, new UplinkEntry(sequence, new UplinkMessage("twin", "resource", "update",
                    "device/default/dev-0/twin/edge_updated", KaredgeJson.mapper().createObjectNode(), null), at, 0));
        }

        @Override
        public UplinkEntry enqueue(UplinkMessage message) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<UplinkEntry> pending(long afterSequence, int max) {
            List<UplinkEntry> out = new ArrayList<>();
            for (UplinkEntry entry : entries.tailMap(afterSequence, false).values()) {
                if (out.size() == max) {
                    break;
                }
                out.add(entry);
            }
            return out;
        }

        @Override
        public void acknowledge(long sequence) {
            entries.remove(sequence);
        }

        @Override
        public long depth() {
            return entries.size();
        }

        @Override
        public AutoCloseable onEnqueue(Runnable callback) {
            return () -> { };
        }
    }
}
