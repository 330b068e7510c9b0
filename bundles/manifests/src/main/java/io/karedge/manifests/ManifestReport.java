package io.karedge.manifests;

import io.karedge.api.meta.ObjectKey;
import java.time.Instant;
import java.util.List;

/**
 * The result of the latest scan of the manifest directory.
 *
 * @param directory the directory that is watched
 * @param enabled   whether the manifest source is enabled
 * @param lastScan  when the directory was last scanned; {@code null} before the first scan
 * @param problem   what is wrong with the directory itself (missing, unreadable), or {@code null}
 * @param files     one entry per manifest file, in name order (files deleted but with objects still
 *                  to remove are listed until the objects are gone)
 */
public record ManifestReport(String directory, boolean enabled, Instant lastScan, String problem,
                             List<FileReport> files) {

    public ManifestReport {
        files = List.copyOf(files);
    }

    /** @return whether neither the directory nor any file has a problem */
    public boolean ok() {
        return problem == null && files.stream().allMatch(FileReport::ok);
    }

    /**
     * One manifest file.
     *
     * @param name     the file name (objects from it carry the source {@code manifest:<name>})
     * @param lastRead when the file was last read; {@code null} if it was not read by this instance
     * @param objects  the objects in the MetaStore that came from this file, in key order
     * @param problems what is wrong with it, in line order
     */
    public record FileReport(String name, Instant lastRead, List<ObjectKey> objects, List<Problem> problems) {

        public FileReport {
            objects = List.copyOf(objects);
            problems = List.copyOf(problems);
        }

        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /**
     * One problem in a file.
     *
     * @param line    1-based line, or 0 if the problem concerns the whole file
     * @param column  1-based column, or 0 if unknown
     * @param message what is wrong, on one line
     */
    public record Problem(int line, int column, String message) {

        @Override
        public String toString() {
            if (line <= 0) {
                return message;
            }
            return column > 0 ? "line " + line + ", column " + column + ": " + message
                    : "line " + line + ": " + message;
        }
    }
}
