package io.karedge.manifests.internal;

import io.karedge.api.meta.ObjectKey;
import io.karedge.manifests.ManifestReport;
import io.karedge.manifests.ManifestReport.FileReport;
import io.karedge.manifests.ManifestReport.Problem;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells each problem once (again only after the file changed) and publishes the report of the
 * latest scan, which {@link #report()} returns to any thread.
 */
final class ReportPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(ManifestReconciler.class);

    private final Path directory;
    private final ProblemReporter reporter;
    private String directoryProblem;
    private volatile ManifestReport report;

    ReportPublisher(Path directory, ProblemReporter reporter) {
        this.directory = directory;
        this.reporter = reporter;
        this.report = new ManifestReport(directory.toString(), true, null, null, List.of());
    }

    /** @return the state after the latest scan */
    ManifestReport report() {
        return report;
    }

    /** @param problem what is wrong with the directory itself, or {@code null} when nothing is */
    void setDirectoryProblem(String problem) {
        if (problem != null && !problem.equals(directoryProblem)) {
            reporter.report(directory.toString(), new Problem(0, 0, problem));
        } else if (problem == null && directoryProblem != null) {
            LOG.info("Manifest directory {} is readable again", directory);
        }
        directoryProblem = problem;
    }

    /** Logs problems not logged yet for the files' current content, and publishes the report. */
    void publish(Collection<FileState> files, Instant lastScan) {
        List<FileReport> reports = new ArrayList<>();
        for (FileState file : files) {
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
}
