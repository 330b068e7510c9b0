package io.karedge.manifests.internal;

import io.karedge.api.meta.MetaStore;
import io.karedge.manifests.ManifestReport;
import io.karedge.manifests.ManifestStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Standalone mode: applies the Kubernetes manifests of a directory to the MetaStore and keeps them
 * applied while the files change. A configuration change restarts the component, which then
 * reconciles the whole directory again.
 */
@Component(service = ManifestStatus.class, configurationPid = ManifestSource.PID, immediate = true)
@Designate(ocd = ManifestSource.Config.class)
public final class ManifestSource implements ManifestStatus {

    static final String PID = "io.karedge.manifests";
    static final String DEFAULT_DIRECTORY = "${karaf.etc}/manifests";
    static final long QUIET_MILLIS = 250;
    static final long MIN_INTERVAL_MILLIS = 100;
    static final long DEFAULT_SETTLE_MILLIS = 1000;
    static final long DEFAULT_DELETE_GRACE_MILLIS = 30_000;

    private static final Logger LOG = LoggerFactory.getLogger(ManifestSource.class);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]+)}");

    @ObjectClassDefinition(name = "Karedge manifests",
            description = "Standalone mode: Kubernetes manifests (*.yaml, *.yml) of a directory applied to "
                    + "the MetaStore")
    public @interface Config {

        @AttributeDefinition(description = "Directory of the manifests, not recursive; ${karaf.etc} and other "
                + "${system.property} references are expanded (karaf.etc unset: etc)")
        String directory() default DEFAULT_DIRECTORY;

        @AttributeDefinition(description = "Milliseconds between two scans of the directory, in addition to "
                + "the file system watcher (at least 100)", min = "100")
        long rescan_interval_ms() default 2000;

        @AttributeDefinition(description = "Largest manifest file in bytes; larger files are not read and "
                + "the objects applied from them are kept", min = "1")
        long max_file_bytes() default 1024 * 1024;

        @AttributeDefinition(description = "Milliseconds a changed file must stay unwritten before it is read, so"
                + " a file written in parts is not read half-written (0: read at once)", min = "0")
        long settle_ms() default DEFAULT_SETTLE_MILLIS;

        @AttributeDefinition(description = "Milliseconds an object must stay undefined (document or file removed)"
                + " before it is deleted; a document back within that time keeps its object and, for a Device,"
                + " its twin history (0: delete at once)", min = "0")
        long delete_grace_ms() default DEFAULT_DELETE_GRACE_MILLIS;

        @AttributeDefinition(description = "Whether manifests are applied at all")
        boolean enabled() default true;
    }

    private final Path directory;
    private final ManifestReconciler reconciler;
    private final DirectoryScanner scanner;

    @Activate
    public ManifestSource(@Reference MetaStore store, Config config) {
        this(store, config, ProblemReporter.slf4j());
    }

    ManifestSource(MetaStore store, Config config, ProblemReporter reporter) {
        this.directory = resolveDirectory(config.directory());
        if (!config.enabled()) {
            this.reconciler = null;
            this.scanner = null;
            LOG.info("Manifest source disabled; {} is not read", directory);
            return;
        }
        long interval = Math.max(MIN_INTERVAL_MILLIS, config.rescan_interval_ms());
        long maxFileBytes = config.max_file_bytes() > 0 ? config.max_file_bytes() : 1024 * 1024;
        Duration settle = Duration.ofMillis(Math.max(0, config.settle_ms()));
        Duration deleteGrace = Duration.ofMillis(Math.max(0, config.delete_grace_ms()));
        this.reconciler = new ManifestReconciler(store, directory, maxFileBytes, reporter, Clock.systemUTC(), settle,
                deleteGrace);
        this.scanner = new DirectoryScanner(directory, interval, Math.min(QUIET_MILLIS, interval), reconciler::scan);
        LOG.info("Manifest source applies {} (rescan every {} ms, files up to {} bytes, read after {} ms unchanged,"
                + " deletes after {} ms undefined)", directory, interval, maxFileBytes, settle.toMillis(),
                deleteGrace.toMillis());
        scanner.start();
    }

    @Deactivate
    void deactivate() {
        if (scanner != null) {
            scanner.stop();
        }
    }

    @Override
    public ManifestReport report() {
        return reconciler == null
                ? new ManifestReport(directory.toString(), false, null, null, List.of())
                : reconciler.report();
    }

    boolean isScanning() {
        return scanner != null && scanner.isAlive();
    }

    /** Expands {@code ${name}} from system properties ({@code karaf.etc} defaults to {@code etc}). */
    static Path resolveDirectory(String configured) {
        String text = configured == null || configured.isBlank() ? DEFAULT_DIRECTORY : configured.trim();
        Matcher matcher = PLACEHOLDER.matcher(text);
        StringBuilder expanded = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String value = System.getProperty(name, "karaf.etc".equals(name) ? "etc" : null);
            matcher.appendReplacement(expanded, Matcher.quoteReplacement(value == null ? matcher.group() : value));
        }
        matcher.appendTail(expanded);
        return Path.of(expanded.toString()).toAbsolutePath().normalize();
    }
}
