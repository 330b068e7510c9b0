package io.karedge.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.Selector;
import io.karedge.api.meta.StoredObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writing process with SIGKILL in the middle of a burst and checks that the database opens
 * cleanly and holds every write the process saw return.
 */
class CrashTest {

    private static final int WRITES = 10_000;
    private static final int WRITER_THREADS = 8;
    private static final int KILL_AFTER_ACKNOWLEDGED = 2_500;
    private static final long MAX_WAIT_NANOS = TimeUnit.SECONDS.toNanos(45);
    private static final Pattern ACKNOWLEDGED = Pattern.compile("(obj-\\d+) (\\d+)");

    @TempDir
    Path directory;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void everyAcknowledgedWriteSurvivesAKillDuringABurst() throws Exception {
        Path dataDirectory = directory.resolve("data");
        Path childLog = directory.resolve("child-stderr.log");
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Process child = new ProcessBuilder(java,
                "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                CrashWriterMain.class.getName(),
                dataDirectory.toString(), Integer.toString(WRITES), Integer.toString(WRITER_THREADS))
                .redirectError(childLog.toFile())
                .start();
        StdoutLines lines = new StdoutLines(child.getInputStream());
        lines.start();
        boolean finishedBeforeKill;
        try {
            long deadline = System.nanoTime() + MAX_WAIT_NANOS;
            while (lines.acknowledgedCount() < KILL_AFTER_ACKNOWLEDGED && !lines.sawDone() && child.isAlive()
                    && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            finishedBeforeKill = lines.sawDone();
            assertThat(child.isAlive()).as("child alive; its stderr: %s", readQuietly(childLog)).isTrue();
        } finally {
            child.destroyForcibly();
            child.waitFor(20, TimeUnit.SECONDS);
        }
        lines.join(TimeUnit.SECONDS.toMillis(20));

        Map<String, Long> acknowledged = lines.acknowledged();
        System.out.printf("crash test: child killed after %d acknowledged writes of %d (%s)%n", acknowledged.size(),
                WRITES, finishedBeforeKill ? "it had already finished" : "in the middle of the burst");
        assertThat(acknowledged.size()).as("acknowledged before the kill; child stderr: %s", readQuietly(childLog))
                .isGreaterThanOrEqualTo(KILL_AFTER_ACKNOWLEDGED);

        try (Store reopened = Store.open(dataDirectory, StoreSettings.defaults())) {
            assertThat(reopened.database().integrityCheck()).isEqualTo("ok");
            SqliteMetaStore meta = reopened.metaStore();
            List<String> missing = new ArrayList<>();
            long highest = 0;
            for (Map.Entry<String, Long> write : acknowledged.entrySet()) {
                Optional<StoredObject> stored = meta.get(ObjectKey.of("ConfigMap", "crash", write.getKey()));
                if (stored.isEmpty() || stored.get().resourceVersion() != write.getValue()) {
                    missing.add(write.getKey() + "@" + write.getValue());
                }
                highest = Math.max(highest, write.getValue());
            }
            assertThat(missing).as("acknowledged writes missing after the crash").isEmpty();
            assertThat(meta.resourceVersion()).isGreaterThanOrEqualTo(highest);
            assertThat(meta.list(Selector.kind("ConfigMap")).items().size())
                    .isGreaterThanOrEqualTo(acknowledged.size());
            // the store keeps working after the crash
            assertThat(meta.put(TestObjects.configMap("crash", "after", "1"), "test").resourceVersion())
                    .isEqualTo(meta.resourceVersion());
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Reads the child's stdout; only complete lines (ending in a newline) count. */
    private static final class StdoutLines extends Thread {

        private final InputStream in;
        private final Map<String, Long> acknowledged = new LinkedHashMap<>();
        private boolean done;

        StdoutLines(InputStream in) {
            super("crash-test-stdout");
            this.in = in;
            setDaemon(true);
        }

        @Override
        public void run() {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    for (int i = 0; i < read; i++) {
                        if (buffer[i] == '\n') {
                            accept(line.toString(StandardCharsets.UTF_8).trim());
                            line.reset();
                        } else {
                            line.write(buffer[i]);
                        }
                    }
                }
            } catch (IOException e) {
                // the child is gone
            }
        }

        private synchronized void accept(String line) {
            Matcher matcher = ACKNOWLEDGED.matcher(line);
            if (matcher.matches()) {
                acknowledged.put(matcher.group(1), Long.parseLong(matcher.group(2)));
            } else if (CrashWriterMain.DONE.equals(line)) {
                done = true;
            }
        }

        synchronized int acknowledgedCount() {
            return acknowledged.size();
        }

        synchronized boolean sawDone() {
            return done;
        }

        synchronized Map<String, Long> acknowledged() {
            return new LinkedHashMap<>(acknowledged);
        }
    }
}
