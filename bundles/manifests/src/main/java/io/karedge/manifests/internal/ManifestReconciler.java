package io.karedge.manifests.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.meta.InvalidObjectException;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.Selector;
import io.karedge.api.meta.StoredObject;
import io.karedge.manifests.ManifestReport;
import io.karedge.manifests.ManifestReport.FileReport;
import io.karedge.manifests.ManifestReport.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
 */
final class ManifestReconciler {

    static final String SOURCE_PREFIX = "manifest:";
    /** A file not ending with a line break must stay unwritten this many times {@code settle}. */
    static final int UNTERMINATED_SETTLE_FACTOR = 10;

    private static final Logger LOG = LoggerFactory.getLogger(ManifestReconciler.class);

    /** Numbers compare by value, so {@code 1} read from YAML equals {@code 1L} read back from a store. */
    private static final Comparator<JsonNode> BY_VALUE = (a, b) -> {
        if (a.equals(b)) {
            return 0;
        }
        return a.isNumber() && b.isNumber() && a.decimalValue().compareTo(b.decimalValue()) == 0 ? 0 : 1;
    };

    private final MetaStore store;
    private final Path directory;
    private final long maxFileBytes;
    private final ProblemReporter reporter;
    private final ManifestParser parser;
    private final Clock clock;
    private final Duration settle;
    private final Duration deleteGrace;

    private final Map<String, FileState> files = new TreeMap<>();
    private boolean loaded;
    private String directoryProblem;
    private Instant lastScan;
    private volatile ManifestReport report;
    /** when the current scan wants the next one; null: no wish */
    private Instant wakeAt;

    ManifestReconciler(MetaStore store, Path directory, long maxFileBytes, ProblemReporter reporter, Clock clock) {
        this(store, directory, maxFileBytes, reporter, clock, Duration.ZERO, Duration.ZERO);
    }

    /**
     * @param settle      how long a changed file must stay unwritten before it is read
     * @param deleteGrace how long an object must stay undefined before it is deleted
     */
    ManifestReconciler(MetaStore store, Path directory, long maxFileBytes, ProblemReporter reporter, Clock clock,
                       Duration settle, Duration deleteGrace) {
        this.settle = settle;
        this.deleteGrace = deleteGrace;
        this.store = store;
        this.directory = directory;
        this.maxFileBytes = maxFileBytes;
        this.reporter = reporter;
        this.parser = new ManifestParser(maxFileBytes);
        this.clock = clock;
        this.report = new ManifestReport(directory.toString(), true, null, null, List.of());
    }

    /** @return the state after the latest scan */
    ManifestReport report() {
        return report;
    }

    /** @return whether a file name is one the manifest source reads */
    static boolean isManifestName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return !name.startsWith(".") && name.indexOf('/') < 0 && name.indexOf('\\') < 0
                && (lower.endsWith(".yaml") || lower.endsWith(".yml"));
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
        wakeAt = null;
        boolean changed = false;
        if (!loaded) {
            try {
                loadFromStore();
            } catch (RuntimeException e) {
                setDirectoryProblem("cannot list the MetaStore, retrying at the next scan: " + e);
                finish(now);
                return Long.MAX_VALUE;
            }
            loaded = true;
            changed = true;
        }
        List<Path> paths;
        try {
            paths = listDirectory();
        } catch (NoSuchFileException e) {
            setDirectoryProblem("directory does not exist; nothing is applied or deleted until it does");
            finish(now);
            return Long.MAX_VALUE;
        } catch (NotDirectoryException e) {
            setDirectoryProblem("is not a directory; nothing is applied or deleted");
            finish(now);
            return Long.MAX_VALUE;
        } catch (IOException | RuntimeException e) {
            setDirectoryProblem("cannot list the directory, nothing is applied or deleted: " + e);
            finish(now);
            return Long.MAX_VALUE;
        }
        setDirectoryProblem(null);

        Set<String> present = new HashSet<>();
        for (Path path : paths) {
            String name = path.getFileName().toString();
            present.add(name);
            FileState file = files.computeIfAbsent(name, FileState::new);
            try {
                changed |= refresh(file, path, touched.contains(name), now);
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
        return wakeAt == null ? Long.MAX_VALUE : Math.max(1, Duration.between(now, wakeAt).toMillis());
    }

    /** Asks for a scan at {@code when} (the earliest asked for wins). */
    private void wakeAt(Instant when) {
        if (wakeAt == null || when.isBefore(wakeAt)) {
            wakeAt = when;
        }
    }

    private void loadFromStore() {
        Map<String, FileState> fromStore = new LinkedHashMap<>();
        for (StoredObject stored : store.list(Selector.ALL).items()) {
            String source = stored.source();
            if (source.startsWith(SOURCE_PREFIX) && isManifestName(source.substring(SOURCE_PREFIX.length()))) {
                String name = source.substring(SOURCE_PREFIX.length());
                fromStore.computeIfAbsent(name, FileState::new).applied.put(stored.key(), stored.object());
            }
        }
        files.clear();
        files.putAll(fromStore);
    }

    private List<Path> listDirectory() throws IOException {
        List<Path> paths = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            for (Path path : stream) {
                if (isManifestName(path.getFileName().toString()) && Files.isRegularFile(path)) {
                    paths.add(path);
                }
            }
        }
        paths.sort(Comparator.comparing(path -> path.getFileName().toString()));
        return paths;
    }

    /** @return whether the file's content (or readability) changed since it was last read */
    private boolean refresh(FileState file, Path path, boolean touched, Instant now) {
        boolean wasPresent = file.present;
        file.present = true;
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException e) {
            Problem problem = new Problem(0, 0, ManifestParser.oneLine("cannot read the file: " + e));
            if (wasPresent && file.documents.isEmpty() && file.readProblems.equals(List.of(problem))) {
                return false;
            }
            file.modified = null;
            file.size = -1;
            return file.failed(problem.message(), now);
        }
        FileTime modified = attributes.lastModifiedTime();
        long size = attributes.size();
        if (wasPresent && !touched && modified.equals(file.modified) && size == file.size) {
            return false;
        }
        if (!settled(file, path, modified, size, touched, now)) {
            return false;
        }
        file.modified = modified;
        file.size = size;
        if (size > maxFileBytes) {
            return file.failed(tooLarge(size), now);
        }
        byte[] content;
        try (InputStream in = Files.newInputStream(path)) {
            content = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16L, maxFileBytes + 1));
        } catch (IOException e) {
            return file.failed("cannot read the file: " + e, now);
        }
        if (content.length > maxFileBytes) {
            return file.failed(tooLarge(Math.max(size, content.length)), now);
        }
        file.lastRead = now;
        String hash = sha256(content);
        if (hash.equals(file.hash)) {
            return false;
        }
        file.hash = hash;
        ManifestParser.Result result = parser.parse(content);
        file.read(result.documents(), result.problems());
        return true;
    }

    /**
     * @return whether a changed file has stopped changing: not written for {@code settle} by its
     *         modification time, or time and size unchanged since a look at least {@code settle} ago
     */
    private boolean settled(FileState file, Path path, FileTime modified, long size, boolean touched, Instant now) {
        if (settle.isZero()) {
            return true;
        }
        if (touched || !modified.equals(file.seenModified) || size != file.seenSize) {
            file.seenModified = modified;
            file.seenSize = size;
            file.seenAt = now;
        }
        // a file cut in the middle of a line is most likely still being written: it waits longer
        Duration needed = size > 0 && !endsWithLineBreak(path) ? settle.multipliedBy(UNTERMINATED_SETTLE_FACTOR)
                : settle;
        Instant byTime = modified.toInstant().plus(needed);
        Instant byLook = file.seenAt.plus(needed);
        if (!now.isBefore(byTime) || !now.isBefore(byLook)) {
            return true;
        }
        wakeAt(byTime.isBefore(byLook) ? byTime : byLook);
        LOG.debug("Manifest {} is still being written; read once it has been unchanged for {} ms", file.name,
                settle.toMillis());
        return false;
    }

    private static boolean endsWithLineBreak(Path path) {
        try (SeekableByteChannel channel = Files.newByteChannel(path)) {
            long size = channel.size();
            if (size == 0) {
                return true;
            }
            ByteBuffer last = ByteBuffer.allocate(1);
            channel.position(size - 1);
            return channel.read(last) == 1 && (last.get(0) == '\n' || last.get(0) == '\r');
        } catch (IOException e) {
            return true; // reading it will report the problem
        }
    }

    private String tooLarge(long size) {
        return "file is " + size + " bytes, over the limit of " + maxFileBytes
                + " bytes (max.file.bytes); not read, the objects applied from it are kept";
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
                    put(file, document);
                }
            }
        }
        for (FileState file : files.values()) {
            if (file.present && (!file.readProblems.isEmpty() || file.blocked)) {
                continue;
            }
            file.missingSince.keySet().removeIf(claims::containsKey);
            List<ObjectKey> newlyMissing = new ArrayList<>();
            for (ObjectKey key : new ArrayList<>(file.applied.keySet())) {
                if (!claims.containsKey(key)) {
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
                        wakeAt(due);
                    } else {
                        delete(file, key, since);
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
        for (FileState file : files.values()) {
            if (file.puts > 0 || file.deletes > 0) {
                LOG.info("Manifest {}{}: {} object(s) applied, {} deleted", file.name,
                        file.present ? "" : " (removed)", file.puts, file.deletes);
            }
        }
    }

    private void put(FileState file, ManifestDocument document) {
        ObjectKey key = document.key();
        String source = sourceOf(file.name);
        try {
            Optional<StoredObject> current = store.get(key);
            if (current.isPresent()) {
                StoredObject stored = current.get();
                if (!stored.source().startsWith(SOURCE_PREFIX)) {
                    file.applyProblems.add(new Problem(document.line(), document.column(), key
                            + " already exists with source '" + stored.source()
                            + "'; manifests never overwrite objects of other sources"));
                    for (FileState any : files.values()) {
                        any.applied.remove(key);
                    }
                    return;
                }
                if (stored.source().equals(source) && sameContent(document.object(), stored.object())) {
                    take(file, key, stored.object());
                    return;
                }
            }
            store.put(document.object().deepCopy(), source);
            take(file, key, document.object());
            file.puts++;
            LOG.debug("Manifest {}: applied {}", file.name, key);
        } catch (InvalidObjectException e) {
            file.blocked = true;
            file.applyProblems.add(new Problem(document.line(), document.column(), key
                    + " rejected by the MetaStore: " + ManifestParser.oneLine(e.getMessage())));
        } catch (RuntimeException e) {
            file.blocked = true;
            file.retry = true;
            file.applyProblems.add(new Problem(document.line(), document.column(), "cannot store " + key
                    + ", retrying at the next scan: " + ManifestParser.oneLine(e.toString())));
        }
    }

    private void take(FileState owner, ObjectKey key, ObjectNode object) {
        owner.applied.put(key, object);
        for (FileState file : files.values()) {
            if (file != owner) {
                file.applied.remove(key);
            }
        }
    }

    private void delete(FileState file, ObjectKey key, Instant missingSince) {
        try {
            Optional<StoredObject> current = store.get(key);
            if (current.isPresent() && current.get().source().equals(sourceOf(file.name))) {
                store.delete(key);
                file.deletes++;
                LOG.info("Manifest {}: deleted {}, no longer defined by the file since {}{}", file.name, key,
                        missingSince, "Device".equals(key.kind())
                                ? "; the device leaves the node and its twin history is deleted with it" : "");
            }
            file.applied.remove(key);
            file.missingSince.remove(key);
        } catch (RuntimeException e) {
            file.retry = true;
            file.applyProblems.add(new Problem(0, 0, "cannot delete " + key + ", retrying at the next scan: "
                    + ManifestParser.oneLine(e.toString())));
        }
    }

    /** Equal apart from metadata the store may add, with numbers compared by value. */
    static boolean sameContent(ObjectNode desired, ObjectNode stored) {
        if (desired.equals(BY_VALUE, stored)) {
            return true;
        }
        ObjectNode copy = stored.deepCopy();
        if (copy.get("metadata") instanceof ObjectNode metadata) {
            metadata.remove(ManifestParser.SERVER_METADATA);
        }
        return desired.equals(BY_VALUE, copy);
    }

    private void setDirectoryProblem(String problem) {
        if (problem != null && !problem.equals(directoryProblem)) {
            reporter.report(directory.toString(), new Problem(0, 0, problem));
        } else if (problem == null && directoryProblem != null) {
            LOG.info("Manifest directory {} is readable again", directory);
        }
        directoryProblem = problem;
    }

    /** Logs problems not logged yet for the file's current content, and publishes the report. */
    private void finish(Instant now) {
        lastScan = now;
        List<FileReport> reports = new ArrayList<>();
        for (FileState file : files.values()) {
            List<Problem> problems = file.problems();
            Set<String> current = new HashSet<>();
            for (Problem problem : problems) {
                String text = problem.toString();
                current.add(text);
                if (file.logged.add(text)) {
                    reporter.report(file.name, problem);
                }
            }
            file.logged.retainAll(current);
            List<ObjectKey> objects = new ArrayList<>(file.applied.keySet());
            objects.sort(null);
            reports.add(new FileReport(file.name, file.lastRead, objects, problems));
        }
        report = new ManifestReport(directory.toString(), true, lastScan, directoryProblem, reports);
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private record Claim(FileState file, ManifestDocument document) {
    }

    /** What is known about one file name. */
    private static final class FileState {

        final String name;
        /** the objects in the MetaStore with this file as source, as last put or seen */
        final Map<ObjectKey, ObjectNode> applied = new HashMap<>();
        /** objects the file no longer defines, since when; deleted once the grace is over */
        final Map<ObjectKey, Instant> missingSince = new HashMap<>();
        /** the modification time and size last looked at, and when they were first seen so */
        FileTime seenModified;
        long seenSize = -1;
        Instant seenAt = Instant.EPOCH;
        /** problems already logged for the current content */
        final Set<String> logged = new HashSet<>();
        boolean present;
        FileTime modified;
        long size = -1;
        String hash;
        Instant lastRead;
        List<ManifestDocument> documents = List.of();
        /** problems found reading the file; any of them keeps the file's objects from being deleted */
        List<Problem> readProblems = List.of();
        /** problems found applying the documents (conflicts, store failures) */
        List<Problem> applyProblems = new ArrayList<>();
        boolean blocked;
        boolean retry;
        int puts;
        int deletes;

        FileState(String name) {
            this.name = name;
        }

        void gone() {
            present = false;
            modified = null;
            size = -1;
            hash = null;
            read(List.of(), List.of());
        }

        void read(List<ManifestDocument> documents, List<Problem> problems) {
            this.documents = documents;
            this.readProblems = problems;
            this.logged.clear();
        }

        /** The file could not be read; {@code true} as the state changed. */
        boolean failed(String message, Instant now) {
            hash = null;
            lastRead = now;
            read(List.of(), List.of(new Problem(0, 0, ManifestParser.oneLine(message))));
            return true;
        }

        List<Problem> problems() {
            List<Problem> all = new ArrayList<>(readProblems);
            all.addAll(applyProblems);
            all.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
            return all;
        }
    }
}
