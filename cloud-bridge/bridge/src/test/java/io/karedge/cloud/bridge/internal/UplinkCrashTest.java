package io.karedge.cloud.bridge.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.karedge.api.json.KaredgeJson;
import io.karedge.api.uplink.UplinkMessage;
import io.karedge.store.internal.StoreComponent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL in the middle of an upload. 5,000 twin reports wait in the Uplink of a real store; a child JVM runs
 * that store and the bridge against the CloudHub double in this process and is killed with SIGKILL once a
 * third of them reached the double. A second child on the same data directory finishes the upload with the
 * stored credentials.
 *
 * <p>What must hold: every report reached the double at least once; on each connection the reports arrived in
 * sequence order (which is also the order per coalesce key); the second connection starts no later than right
 * after the last report of the first (nothing skipped); and the reports the double got twice are at most
 * {@code uplink.window}: an entry stays in the Uplink from its send until its removal is committed, and the
 * drainer keeps at most a window of entries in that state (sent and not yet answered, or answered and not yet
 * removed), so a crash can repeat at most a window of them. Nothing is sent twice on one connection here
 * (the answer timeout is a minute, the double answers at once).
 */
@Timeout(150)
class UplinkCrashTest {

    static final int CHANGES = 5_000;
    static final int WINDOW = 64;
    /** Slow enough (about 2.5 s for everything) that the kill lands in the middle. */
    static final int QPS = 2_000;
    static final String TWIN = "/twin/edge_updated";
    private static final Pattern DEPTH = Pattern.compile("DEPTH (\\d+) (\\w+)");

    @TempDir
    Path directory;

    @Test
    void aKilledUploadResumesWithNothingLostInOrderAndAtMostAWindowRepeated() throws Exception {
        Path data = directory.resolve("data");
        Files.createDirectories(data);
        long started = System.nanoTime();
        enqueue(data);
        System.out.printf("uplink crash test: %d reports enqueued in %.1f s%n", CHANGES, seconds(started));

        try (CloudHubDouble cloud = new CloudHubDouble()) {
            for (String device : OutageTest.devices()) {
                cloud.devices.add("default/" + device);
            }
            // first child: joins, uploads, and is killed with a third of the reports delivered
            Child first = Child.start(directory, data, cloud, "first");
            int split;
            try {
                first.awaitLine("READY", 30);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (cloud.countReceived("update", TWIN) < CHANGES / 3 && first.process.isAlive()
                        && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                assertThat(first.process.isAlive()).as("first child alive; its stderr: %s", first.stderr()).isTrue();
            } finally {
                first.process.destroyForcibly();
                first.process.waitFor(20, TimeUnit.SECONDS);
            }
            long sessionGone = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (cloud.sessionCount() > 0 && System.nanoTime() < sessionGone) {
                Thread.sleep(5);
            }
            assertThat(cloud.sessionCount()).as("the killed child's session is closed").isZero();
            List<Integer> firstRun = reports(cloud.received);
            split = cloud.received.size();
            assertThat(firstRun).as("reports before the kill").hasSizeGreaterThanOrEqualTo(CHANGES / 3);
            assertThat(firstRun.get(firstRun.size() - 1)).as("killed in the middle of the upload")
                    .isLessThan(CHANGES - 1);

            // second child on the same directory: reuses the credentials and finishes the upload
            long restarted = System.nanoTime();
            Child second = Child.start(directory, data, cloud, "second");
            try {
                second.awaitLine("READY", 30);
                second.awaitLine("DEPTH 0 CONNECTED", 60);
                System.out.printf("uplink crash test: the second child emptied the Uplink %.1f s after its start%n",
                        seconds(restarted));
            } finally {
                second.process.destroyForcibly();
                second.process.waitFor(20, TimeUnit.SECONDS);
            }
            assertThat(cloud.certificatesIssued.get()).as("the second child used the stored certificate").isEqualTo(1);
            List<Integer> secondRun = reports(cloud.received.subList(split, cloud.received.size()));

            // every report at least once
            TreeSet<Integer> seen = new TreeSet<>(firstRun);
            seen.addAll(secondRun);
            assertThat(seen).hasSize(CHANGES);
            assertThat(seen.first()).isZero();
            assertThat(seen.last()).isEqualTo(CHANGES - 1);
            // in order on each connection, the first starting at the oldest entry, the second ending at the newest
            assertThat(firstRun).isSorted().doesNotHaveDuplicates().startsWith(0);
            assertThat(secondRun).isSorted().doesNotHaveDuplicates().endsWith(CHANGES - 1);
            int lastBeforeKill = firstRun.get(firstRun.size() - 1);
            int firstAfterRestart = secondRun.get(0);
            assertThat(firstAfterRestart).as("the restart resumes no later than right after the last delivery")
                    .isLessThanOrEqualTo(lastBeforeKill + 1);
            int repeated = Math.max(0, lastBeforeKill - firstAfterRestart + 1);
            System.out.printf("uplink crash test: killed after %d of %d reports (last %d); the restart resumed at %d:"
                            + " %d repeated (bound: window %d)%n", firstRun.size(), CHANGES, lastBeforeKill,
                    firstAfterRestart, repeated, WINDOW);
            assertThat(repeated).as("reports sent again after the kill").isLessThanOrEqualTo(WINDOW);
            assertThat(cloud.invalidReasons).isEmpty();
        }

        StoreComponent reopened = Fixtures.openStore(data);
        try {
            assertThat(reopened.depth()).as("the Uplink is empty after the upload").isZero();
        } finally {
            Fixtures.closeStore(reopened);
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** The report numbers in arrival order. */
    private static List<Integer> reports(List<Message> messages) {
        List<Integer> numbers = new ArrayList<>();
        for (Message message : messages) {
            if (message.operation().equals("update") && message.resource().endsWith(TWIN)) {
                numbers.add(message.content().path("n").asInt());
            }
        }
        return numbers;
    }

    /** 5,000 twin reports, each with its own coalesce key (one per device property and change). */
    private static void enqueue(Path data) {
        // setting up only: no fsync per entry (closing the store checkpoints everything)
        StoreComponent store = Fixtures.openStore(data, Map.of("synchronous", "NORMAL"));
        try {
            for (String device : OutageTest.devices()) {
                store.put(Fixtures.device("default", device, "edge-1"), Downstream.SOURCE);
            }
            for (int n = 0; n < CHANGES; n++) {
                String device = "dev-" + (n % 50);
                store.enqueue(new UplinkMessage("twin", "resource", "update", "device/default/" + device + TWIN,
                        KaredgeJson.mapper().createObjectNode().put("n", n), "twin/default/" + device + "/p" + n));
            }
            assertThat(store.depth()).isEqualTo(CHANGES);
        } finally {
            Fixtures.closeStore(store);
        }
    }

    private static final class Child {

        final Process process;
        final Path stderr;
        private final List<String> lines = new ArrayList<>();

        private Child(Process process, Path stderr) {
            this.process = process;
            this.stderr = stderr;
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        synchronized (lines) {
                            lines.add(line);
                            lines.notifyAll();
                        }
                    }
                } catch (IOException e) {
                    // the child is gone
                }
            }, "uplink-crash-child-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        static Child start(Path directory, Path data, CloudHubDouble cloud, String name) throws IOException {
            String java = ProcessHandle.current().info().command()
                    .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            Path log = directory.resolve(name + "-stderr.log");
            Process process = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", UplinkDrainChildMain.class.getName(),
                    data.toString(), cloud.webSocketAddress(), cloud.certAddress(), cloud.pki.token(),
                    Integer.toString(QPS), Integer.toString(WINDOW))
                    .redirectError(log.toFile()).start();
            return new Child(process, log);
        }

        void awaitLine(String wanted, int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            synchronized (lines) {
                while (lines.stream().noneMatch(wanted::equals)) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || !process.isAlive()) {
                        String last = lines.isEmpty() ? "nothing" : lines.get(lines.size() - 1);
                        Matcher depth = DEPTH.matcher(last);
                        throw new AssertionError("no \"" + wanted + "\" from the child within " + seconds + " s (last: "
                                + (depth.matches() ? "depth " + depth.group(1) + ", " + depth.group(2) : last)
                                + "); its stderr: " + stderr());
                    }
                    TimeUnit.NANOSECONDS.timedWait(lines, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
                }
            }
        }

        String stderr() {
            try {
                return Files.exists(stderr) ? Files.readString(stderr) : "";
            } catch (IOException e) {
                return e.toString();
            }
        }
    }
}
