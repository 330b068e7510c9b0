package io.karedge.manifests.internal;

import io.karedge.api.meta.ObjectKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what a file no longer defines, but only if the file was read without problems (or is
 * gone), and only once the object has been missing for {@code deleteGrace}: a document that comes
 * back within that time keeps its object, and with it, for a Device, its twin history.
 */
final class DeleteGrace {

    private static final Logger LOG = LoggerFactory.getLogger(ManifestReconciler.class);

    private final Duration deleteGrace;
    private final StoreWriter writer;
    private final NextScan nextScan;

    DeleteGrace(Duration deleteGrace, StoreWriter writer, NextScan nextScan) {
        this.deleteGrace = deleteGrace;
        this.writer = writer;
        this.nextScan = nextScan;
    }

    /**
     * @param defined the keys some present file defines in this scan
     */
    void deleteMissing(Collection<FileState> files, Set<ObjectKey> defined, Instant now) {
        for (FileState file : files) {
            if (file.present && (!file.readProblems.isEmpty() || file.blocked)) {
                continue;
            }
            file.missingSince.keySet().removeIf(defined::contains);
            List<ObjectKey> newlyMissing = new ArrayList<>();
            for (ObjectKey key : new ArrayList<>(file.applied.keySet())) {
                if (!defined.contains(key)) {
                    Instant since = file.missingSince.get(key);
                    if (since == null) {
                        since = now;
                        file.missingSince.put(key, now);
                        if (!deleteGrace.isZero()) {
                            newlyMissing.add(key);
                        }
                    }
                    Instant due = since.plus(deleteGrace);
                    if (now.isBefore(due)) {
                        nextScan.wakeAt(due);
                    } else {
                        writer.delete(file, key, since);
                    }
                }
                // a key claimed by another file moves there with that file's put; if that put failed,
                // the object stays until the next attempt rather than disappearing in between
            }
            if (!newlyMissing.isEmpty()) {
                newlyMissing.sort(null);
                LOG.info("Manifest {}{} no longer defines {}; deleted in {} s (delete.grace.ms) unless defined"
                                + " again", file.name, file.present ? "" : " (removed)", newlyMissing,
                        deleteGrace.toSeconds());
            }
        }
    }
}
