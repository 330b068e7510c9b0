package io.karedge.manifests.internal;

import io.karedge.api.meta.MetaStore;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.Selector;
import io.karedge.api.meta.StoredObject;
import io.karedge.manifests.ManifestReport;
import io.karedge.manifests.ManifestReport.Problem;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the MetaStore in line with the manifest files of one directory. {@link #scan(Set)} runs on
 * the scanner thread (and is synchronized); {@link #report()} may be called from any thread.
 *
 * <p>Rules:
 * <ul>
 * <li>Every object a file defines is put with the source {@code manifest:<file name>}; when two files
 *     define the same object, the first file in name order wins.</li>
 * <li>An object whose source is {@code manifest:<file>} and that the file no longer defines is deleted,
 *     but only if the file was read without problems (or is gone). A file with a problem keeps everything
 *     it applied before.</li>
 * <li>Objects of other sources are neither overwritten nor deleted.</li>
 * <li>A file is read again only when its modification time or size changes (or the watcher names it),
 *     and applied again only when its content (SHA-256) changed.</li>
 * <li>A changed file is read only once it is stable: not written for {@code settle} (its modification
 *     time is that old, or its time and size have not moved for that long). A file written in parts
 *     is therefore not read half-written as long as the pauses are shorter than that.</li>
 * <li>An object a file stops defining (or whose file disappears) is deleted only after it has been
 *     missing for {@code deleteGrace}: a document that comes back within that time keeps its object,
 *     and with it, for a Device, its twin history. The delete itself is one INFO line with the reason.</li>
 * </ul>
 *
 * <p>This class runs a scan and decides which file owns which object; {@link ManifestFileReader} reads
 * the files, {@link StoreWriter} puts and deletes, {@link DeleteGrace} holds back deletes and
 * {@link ReportPublisher} tells problems and publishes the report.
 */
final class ManifestReconciler {

    static final String SOURCE_PREFIX = "manifest:";
    /** A file not ending with a line break must stay unwritten this many times {@code settle}. */
    static final int UNTERMINATED_SETTLE_FACTOR = 10;

    private static final Logger LOG = LoggerFactory.getLogger(ManifestReconciler.class);

    private final MetaStore store;
    private final Clock clock;
    private final Map<String, FileState> files = new TreeMap<>();
    private final NextScan nextScan = new NextScan();
    private final ManifestFileReader reader;
    private final StoreWriter writer;
    private final DeleteGrace grace;
    private final ReportPublisher publisher;
    private boolean loaded;

    ManifestReconciler(MetaStore store, Path directory, long maxFileBytes, ProblemReporter reporter, Clock clock) {
        this(store, directory, maxFileBytes, reporter, clock, Duration.ZERO, Duration.ZERO);
    }

    /**
     * @param settle      how long a changed file must stay unwritten before it is read
     * @param deleteGrace how long an object must stay undefined before it is deleted
     */
    ManifestReconciler(MetaStore store, Path directory, long maxFileBytes, ProblemReporter reporter, Clock clock,
                       Duration settle, Duration deleteGrace) {
        this.store = store;
        this.clock = clock;
        this.reader = new ManifestFileReader(directory, maxFileBytes, settle, nextScan);
        this.writer = new StoreWriter(store, files.values());
        this.grace = new DeleteGrace(deleteGrace, writer, nextScan);
        this.publisher = new ReportPublisher(directory, reporter);
    }

    /** @return the state after the latest scan */
    ManifestReport report() {
        return publisher.report();
    }

    static String sourceOf(String fileName) {
        return SOURCE_PREFIX + fileName;
    }

    /**
     * Scans the directory once. The first scan of an instance is a full reconciliation: it starts from
     * what the MetaStore holds, so objects of files deleted in the meantime are removed.
     *
     * @param touched names of files the watcher reported; they are read even if time and size look unchanged
     * @return milliseconds after which a scan is wanted (a file to settle, a delete grace to end), or
     *         {@link Long#MAX_VALUE} when nothing waits
     */
    synchronized long scan(Set<String> touched) {
        Instant now = clock.instant();
        nextScan.clear();
        boolean changed = false;
        if (!loaded) {
            try {
                loadFromStore();
            } catch (RuntimeException e) {
                publisher.setDirectoryProblem("cannot list the MetaStore, retrying at the next scan: " + e);
                finish(now);
                return Long.MAX_VALUE;
            }
            loaded = true;
            changed = true;
        }
        List<Path> paths;
        try {
            paths = reader.listDirectory();
        } catch (NoSuchFileException e) {
            publisher.setDirectoryProblem("directory does not exist; nothing is applied or deleted until it does");
            finish(now);
            return Long.MAX_VALUE;
        } catch (NotDirectoryException e) {
            publisher.setDirectoryProblem("is not a directory; nothing is applied or deleted");
            finish(now);
            return Long.MAX_VALUE;
        } catch (IOException | RuntimeException e) {
            publisher.setDirectoryProblem("cannot list the directory, nothing is applied or deleted: " + e);
            finish(now);
            return Long.MAX_VALUE;
        }
        publisher.setDirectoryProblem(null);

        Set<String> present = new HashSet<>();
        for (Path path : paths) {
            String name = path.getFileName().toString();
            present.add(name);
            FileState file = files.computeIfAbsent(name, FileState::new);
            try {
                changed |= reader.refresh(file, path, touched.contains(name), now);
            } catch (RuntimeException e) {
                file.read(List.of(), List.of(new Problem(0, 0, "cannot read: "
                        + ManifestParser.oneLine(e.toString()))));
                changed = true;
            }
        }
        for (FileState file : files.values()) {
            if (!present.contains(file.name) && file.present) {
                file.gone();
                changed = true;
            }
            changed |= file.retry || (!file.present && !file.applied.isEmpty()) || !file.missingSince.isEmpty();
        }
        if (changed) {
            apply(now);
        }
        files.values().removeIf(file -> !file.present && file.applied.isEmpty());
        finish(now);
        return nextScan.millisFrom(now);
    }

    private void loadFromStore() {
        Map<String, FileState> fromStore = new LinkedHashMap<>();
        for (StoredObject stored : store.list(Selector.ALL).items()) {
            String source = stored.source();
            if (source.startsWith(SOURCE_PREFIX)
                    && ManifestFileReader.isManifestName(source.substring(SOURCE_PREFIX.length()))) {
                String name = source.substring(SOURCE_PREFIX.length());
                fromStore.computeIfAbsent(name, FileState::new).applied.put(stored.key(), stored.object());
            }
        }
        files.clear();
        files.putAll(fromStore);
    }

    /**
     * Puts what the files define, then deletes what clean files no longer define once it has been
     * missing for the delete grace.
     */
    private void apply(Instant now) {
        Map<ObjectKey, Claim> claims = new HashMap<>();
        for (FileState file : files.values()) {
            file.applyProblems = new ArrayList<>();
            file.blocked = false;
            file.retry = false;
            file.puts = 0;
            file.deletes = 0;
            if (!file.present) {
                continue;
            }
            for (ManifestDocument document : file.documents) {
                Claim earlier = claims.putIfAbsent(document.key(), new Claim(file, document));
                if (earlier != null) {
                    file.applyProblems.add(new Problem(document.line(), document.column(), document.key()
                            + " is already defined in " + earlier.file.name + " (line " + earlier.document.line()
                            + "); the first file in name order wins, this definition is ignored"));
                }
            }
        }
        for (FileState file : files.values()) {
            for (ManifestDocument document : file.documents) {
                Claim claim = claims.get(document.key());
                if (claim != null && claim.file == file && claim.document == document) {
                    writer.put(file, document);
                }
            }
        }
        grace.deleteMissing(files.values(), claims.keySet(), now);
        for (FileState file : files.values()) {
            if (file.puts > 0 || file.deletes > 0) {
                LOG.info("Manifest {}{}: {} object(s) applied, {} deleted", file.name,
                        file.present ? "" : " (removed)", file.puts, file.deletes);
            }
        }
    }

    /** Logs problems not logged yet for the file's current content, and publishes the report. */
    private void finish(Instant now) {
        publisher.publish(files.values(), now);
    }

    private record Claim(FileState file, ManifestDocument document) {
    }
}
