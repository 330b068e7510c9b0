package io.karedge.cloud.bridge.internal;

import io.karedge.api.progress.ProgressTask;
import io.karedge.api.progress.ProgressTracker;
import io.karedge.api.uplink.Uplink;
import io.karedge.api.uplink.UplinkEntry;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports the Uplink backlog a session finds at its start as an {@code uplink-drain} task, when it has at
 * least {@value #MIN_BACKLOG} entries: the backlog is what was waiting at the connect; entries enqueued since
 * are not part of it. An entry counts when its removal from the Uplink commits (delivered, or removed unsent
 * as a dead letter or a report the cloud would not answer). Backlog entries replaced by newer ones (coalesced)
 * never count; the task ends once no entry of the backlog waits any more. A lost link fails the task: the
 * rest goes after the next reconnect, in a task of its own. Thread-safe; without a tracker it does nothing.
 */
final class DrainProgress {

    static final long MIN_BACKLOG = 50;
    /** How often, at most, the Uplink is asked whether backlog entries still wait. */
    static final long CHECK_MILLIS = 500;

    private static final Logger LOG = LoggerFactory.getLogger(DrainProgress.class);

    private final Supplier<ProgressTracker> tracker;
    private final Uplink uplink;
    private final Clock clock;
    private ProgressTask task;
    private Instant connectedAt;
    private long backlog;
    /** The highest sequence seen of an entry enqueued before the connect. */
    private long mark = -1;
    /** The drainer read an entry enqueued after the connect: it has read the whole backlog, the mark is final. */
    private boolean readPast;
    private long removed;
    private long lastCheck;
    /**
     * Removals begun and not yet reported, whatever the task: removals commit on several threads, so the store
     * can be empty of the backlog while the report of an entry it no longer holds is still on its way.
     */
    private long removing;

    DrainProgress(Supplier<ProgressTracker> tracker, Uplink uplink, Clock clock) {
        this.tracker = tracker;
        this.uplink = uplink;
        this.clock = clock;
    }

    /** A session is up, before the drainer reads. */
    synchronized void connected() {
        end(null);
        ProgressTracker current = tracker.get();
        if (current == null) {
            return;
        }
        long depth;
        try {
            depth = uplink.depth();
        } catch (RuntimeException e) {
            LOG.debug("Uplink depth unreadable: {}", e.toString());
            return;
        }
        if (depth < MIN_BACKLOG) {
            return;
        }
        connectedAt = clock.instant();
        backlog = depth;
        mark = -1;
        readPast = false;
        removed = 0;
        lastCheck = clock.millis();
        task = current.start(ProgressTracker.UPLINK_DRAIN, "Uplink backlog of " + depth + " entries at connect",
                depth, "entries");
        task.phase("sending to CloudHub, oldest first");
    }

    /** The drainer read this entry (before it sends or removes it). */
    synchronized void read(UplinkEntry entry) {
        if (task == null) {
            return;
        }
        if (entry.enqueuedAt().isAfter(connectedAt)) {
            readPast = true;
        } else {
            mark = Math.max(mark, entry.sequence());
        }
    }

    /** The removal of an entry from the Uplink begins; {@link #removed} or {@link #removalFailed} follows. */
    synchronized void removing() {
        removing++;
    }

    /** A removal begun with {@link #removing} did not commit: the entry is sent again later. */
    synchronized void removalFailed() {
        removing = Math.max(0, removing - 1);
    }

    /** The removal of this entry from the Uplink committed. */
    synchronized void removed(long sequence) {
        removing = Math.max(0, removing - 1);
        if (task == null) {
            return;
        }
        if (sequence <= mark) {
            removed++;
            task.done(Math.min(removed, backlog));
        }
        if (removed >= backlog) {
            end(null);
        } else if (removing == 0 && (readPast || clock.millis() - lastCheck >= CHECK_MILLIS)) {
            // at the tail of the drain (at most a window of entries), or now and then before: entries of the
            // backlog replaced by newer ones never come here, so whether any still waits is asked; not while
            // another removal is on its way, as the store would no longer hold an entry not yet counted
            lastCheck = clock.millis();
            checkBacklogGone();
        }
    }

    private void checkBacklogGone() {
        List<UplinkEntry> oldest;
        try {
            oldest = uplink.pending(0, 1);
        } catch (RuntimeException e) {
            return;
        }
        if (oldest.isEmpty() || oldest.get(0).enqueuedAt().isAfter(connectedAt)) {
            end(null);
        }
    }

    /** The session ended. */
    synchronized void disconnected(String reason) {
        end(reason);
    }

    private void end(String lostLinkReason) {
        if (task == null) {
            return;
        }
        if (lostLinkReason != null) {
            task.failed("the link was lost after " + removed + " of " + backlog + " entries (" + lostLinkReason
                    + "); the rest goes after the next reconnect");
        } else {
            long replaced = Math.max(0, backlog - removed);
            task.done(backlog);
            task.succeeded(removed + " entries delivered" + (replaced > 0 ? ", " + replaced
                    + " replaced by newer ones before their turn" : ""));
        }
        task = null;
    }
}
