package io.karedge.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The node's data directory ({@code io.karedge.node data.dir}) on a small tmpfs that is filled until
 * writes fail, then freed: writes are refused while the disk is full (no PUBACK, no 2xx), nothing
 * acknowledged is lost, and writes succeed again within seconds of the space returning, without a
 * restart; a node restarted on the full disk starts, serves reads, and recovers the same way.
 * Runs as root only (mount); skipped elsewhere.
 */
class DiskFullFaultIT {

    private static final String DEVICE = "disk-1";
    private static final int TMPFS_MIB = 16;
    /** Twin values are at most 512 characters: a large write is 40 of them in one update. */
    private static final int VALUE_CHARS = 500;
    private static final int VALUES_PER_WRITE = 40;
    private static final int MAX_FULL_ATTEMPTS = 400;
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(30);
    private static final Duration RECOVERY_WAIT = Duration.ofSeconds(60);

    private KaredgeNode node;
    private Tmpfs tmpfs;
    private TwinWriter writer;

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (writer != null) {
                writer.close();
            }
        } finally {
            try {
                if (node != null) {
                    node.close();
                }
            } finally {
                if (tmpfs != null) {
                    tmpfs.close();
                }
            }
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void fullDiskRefusesWritesLosesNothingAndRecoversWithoutRestart() throws Exception {
        boot("disk-full");
        writeBaseline();

        long filler = tmpfs.fill();
        FullPhase full = writeUntilRefused();
        int restWhileFull = new NodeRest(node).putDesired(DEVICE, "rest-while-full", value("rest"));
        if (restWhileFull / 100 == 2) {
            writer.claim("rest-while-full", value("rest"));
        }

        tmpfs.free();
        Recovery recovery = awaitRecovery();
        Map<String, String> lostValues = lostValues();

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("tmpfsMiB", TMPFS_MIB);
        figures.put("fillerBytes", filler);
        figures.putAll(full.figures());
        figures.put("restPutWhileFull", restWhileFull);
        figures.putAll(recovery.figures());
        figures.putAll(node.health());
        if (!lostValues.isEmpty()) {
            figures.put("lostKeys", new ArrayList<>(lostValues.keySet()).subList(0, Math.min(5, lostValues.size())));
        }
        FaultReport.line("disk-full-then-freed", full.attempts + " twin updates of " + VALUES_PER_WRITE + " x "
                + VALUE_CHARS + " chars on a full " + TMPFS_MIB + " MiB tmpfs, 1 REST PUT, then freed",
                writer.claimed().size() + " values (PUBACK or 2xx)", lostValues.size(), figures);

        assertThat(full.refusals).as("writes refused while the disk was full").isGreaterThan(0);
        assertThat(restWhileFull / 100).as("REST PUT while the disk is full: HTTP %s", restWhileFull).isNotEqualTo(2);
        assertThat(full.acknowledgedButFailed).as("PUBACKs for updates the store refused (result code >= 500)").isZero();
        assertThat(lostValues.keySet()).as("acknowledged values missing").isEmpty();
        assertThat(recovery.mqttMs).as("ms until an MQTT write succeeds again after space returned (no restart)")
                .isBetween(0L, RECOVERY_BOUND.toMillis());
        assertThat(recovery.restMs).as("ms until a REST PUT succeeds again after space returned (no restart)")
                .isBetween(0L, RECOVERY_BOUND.toMillis());
        assertThat(node.outOfMemoryErrors()).isZero();
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void restartOnAFullDiskStartsReadMostlyAndRecoversWhenSpaceReturns() throws Exception {
        boot("disk-full-restart");
        writeBaseline();

        long filler = tmpfs.fill();
        FullPhase full = writeUntilRefused();
        writer.close();
        node.stop();
        filler = tmpfs.fill();

        long restartMs = -1;
        String startProblem = "";
        try {
            restartMs = node.start().toMillis();
        } catch (RuntimeException e) {
            startProblem = e.getMessage();
        }
        boolean started = startProblem.isEmpty();
        Map<String, String> confirmedBeforeRestart = new LinkedHashMap<>(writer.confirmed());
        Optional<Map<String, String>> readWhileFull = started ? awaitTwin(Duration.ofSeconds(30)) : Optional.empty();
        long readableWhileFull = readWhileFull.map(values -> confirmedBeforeRestart.entrySet().stream()
                .filter(e -> e.getValue().equals(values.get(e.getKey()))).count()).orElse(0L);

        Recovery recovery = Recovery.NONE;
        FullPhase fullAfterRestart = new FullPhase();
        Map<String, String> lostValues = writer.claimed();
        if (started) {
            // the node meets the full disk again (as drivers, apps and manifests would), then space returns
            fullAfterRestart = writeUntilRefused();
            tmpfs.free();
            recovery = awaitRecovery();
            lostValues = lostValues();
        }

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("tmpfsMiB", TMPFS_MIB);
        figures.put("fillerBytes", filler);
        figures.putAll(full.figures());
        figures.put("restartOnFullDiskMs", restartMs);
        if (!started) {
            figures.put("startProblem", startProblem);
        }
        figures.put("valuesReadableWhileFull", readableWhileFull + "/" + confirmedBeforeRestart.size());
        figures.put("writesAfterRestartWhileFull", fullAfterRestart.codes);
        figures.putAll(recovery.figures());
        figures.putAll(node.health());
        FaultReport.line("disk-full-restart", "restart with the disk full, read, then free the space",
                writer.claimed().size() + " values (PUBACK or 2xx)", lostValues.size(), figures);

        assertThat(started).as("node starts on a full disk: %s", startProblem).isTrue();
        assertThat(readWhileFull).as("twin readable over REST while the disk is full").isPresent();
        assertThat(readableWhileFull).as("stored values readable while the disk is full")
                .isEqualTo(confirmedBeforeRestart.size());
        assertThat(full.acknowledgedButFailed + fullAfterRestart.acknowledgedButFailed)
                .as("PUBACKs for updates the store refused (result code >= 500)").isZero();
        assertThat(lostValues.keySet()).as("acknowledged values missing").isEmpty();
        assertThat(recovery.mqttMs).as("ms until an MQTT write succeeds after space returned (no second restart)")
                .isBetween(0L, RECOVERY_BOUND.toMillis());
        assertThat(recovery.restMs).as("ms until a REST PUT succeeds after space returned (no second restart)")
                .isBetween(0L, RECOVERY_BOUND.toMillis());
        assertThat(node.outOfMemoryErrors()).isZero();
    }

    private void boot(String name) throws Exception {
        Optional<Tmpfs> mounted = Tmpfs.mount(name, TMPFS_MIB);
        assumeThat(mounted).as("a tmpfs can be mounted (needs root)").isPresent();
        tmpfs = mounted.get();
        node = KaredgeNode.create(name);
        node.configure("io.karedge.node", "data.dir", tmpfs.path().resolve("karedge").toString());
        Files.writeString(node.manifests().resolve("disk.yaml"), Manifests.devices(List.of(DEVICE)));
        node.start();
        NodeRest rest = new NodeRest(node);
        await("device " + DEVICE + " is a twin member").atMost(KaredgeNode.BOOT)
                .until(() -> rest.expectedValues(DEVICE).isPresent());
        writer = new TwinWriter(node, DEVICE);
    }

    private void writeBaseline() throws InterruptedException {
        for (int i = 1; i <= 5; i++) {
            TwinWriter.Attempt attempt = writer.write("base-" + i, "before-full-" + i, 10_000);
            assertThat(attempt.stored()).as("baseline write %s on a disk with space", i).isTrue();
        }
    }

    private static String value(String prefix) {
        return (prefix + "-" + "x".repeat(VALUE_CHARS)).substring(0, VALUE_CHARS);
    }

    private static Map<String, String> largeWrite(int attempt) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < VALUES_PER_WRITE; i++) {
            values.put("full-" + attempt + "-" + i, value("v" + attempt + "-" + i));
        }
        return values;
    }

    /** Large writes on the full disk until three were refused. */
    private FullPhase writeUntilRefused() throws InterruptedException {
        FullPhase phase = new FullPhase();
        while (phase.refusals < 3 && phase.attempts < MAX_FULL_ATTEMPTS) {
            phase.attempts++;
            TwinWriter.Attempt attempt = writer.write(largeWrite(phase.attempts), 10_000);
            phase.codes.merge(attempt.outcome(), 1, Integer::sum);
            if (!attempt.stored()) {
                phase.refusals++;
            }
            if (attempt.acknowledged() && attempt.resultCode() >= 500) {
                phase.acknowledgedButFailed++;
            }
        }
        return phase;
    }

    /** Writes a small value every 250 ms (MQTT and REST) until each succeeds, at most one minute. */
    private Recovery awaitRecovery() throws InterruptedException {
        NodeRest rest = new NodeRest(node);
        long start = System.nanoTime();
        long deadline = start + RECOVERY_WAIT.toNanos();
        long mqttMs = -1;
        long restMs = -1;
        int tries = 0;
        while ((mqttMs < 0 || restMs < 0) && System.nanoTime() < deadline) {
            tries++;
            if (mqttMs < 0 && writer.write("after-free-" + tries, "recovered-" + tries, 5_000).stored()) {
                mqttMs = (System.nanoTime() - start) / 1_000_000;
            }
            if (restMs < 0) {
                int status = rest.putDesired(DEVICE, "rest-after-free-" + tries, "recovered-" + tries);
                if (status / 100 == 2) {
                    writer.claim("rest-after-free-" + tries, "recovered-" + tries);
                    restMs = (System.nanoTime() - start) / 1_000_000;
                }
            }
            if (mqttMs < 0 || restMs < 0) {
                Thread.sleep(250);
            }
        }
        return new Recovery(mqttMs, restMs, tries);
    }

    private Optional<Map<String, String>> awaitTwin(Duration atMost) {
        NodeRest rest = new NodeRest(node);
        try {
            return await("twin of " + DEVICE).atMost(atMost).until(() -> rest.expectedValues(DEVICE), Optional::isPresent);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return Optional.empty();
        }
    }

    /** Acknowledged values that the node does not have (read over REST once it answers). */
    private Map<String, String> lostValues() {
        Map<String, String> stored = awaitTwin(Duration.ofSeconds(30)).orElse(Map.of());
        Map<String, String> lost = new TreeMap<>();
        writer.claimed().forEach((key, value) -> {
            if (!value.equals(stored.get(key))) {
                lost.put(key, value);
            }
        });
        return lost;
    }

    private static final class FullPhase {
        int attempts;
        int refusals;
        int acknowledgedButFailed;
        final Map<String, Integer> codes = new TreeMap<>();

        Map<String, Object> figures() {
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("writesWhileFull", attempts);
            figures.put("refused", refusals);
            figures.put("outcomesWhileFull", codes);
            figures.put("pubackedButStoreFailed", acknowledgedButFailed);
            return figures;
        }
    }

    private record Recovery(long mqttMs, long restMs, int tries) {
        static final Recovery NONE = new Recovery(-1, -1, 0);

        Map<String, Object> figures() {
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("mqttRecoveredMs", mqttMs < 0 ? "never(" + RECOVERY_WAIT.toSeconds() + "s)" : mqttMs);
            figures.put("restRecoveredMs", restMs < 0 ? "never(" + RECOVERY_WAIT.toSeconds() + "s)" : restMs);
            return figures;
        }
    }
}
