package io.karedge.manifests.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.meta.ObjectKey;
import io.karedge.manifests.ManifestReport.Problem;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What is known about one manifest file name, from one scan to the next. */
final class FileState {

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
