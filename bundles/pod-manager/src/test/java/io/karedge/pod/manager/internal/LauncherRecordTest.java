package io.karedge.pod.manager.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.karedge.api.meta.ObjectKey;
import io.karedge.api.progress.ProgressTracker;
import io.karedge.pod.PodRestore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pods-first launcher's record of this boot, and how the restore report counts the pods it started. */
class LauncherRecordTest {

    @TempDir
    Path dir;

    private static final Instant JVM_START = Instant.parse("2026-03-01T10:00:00.120Z");

    private Path record(Instant jvmStart) throws Exception {
        return Files.writeString(dir.resolve(LauncherRecord.FILE), """
                jvm.start=%s
                plan.read.ms=80
                pods=3
                started=2
                pod.u1.name=ns/web-1
                pod.u1.outcome=started
                pod.u1.sandbox.ms=300
                pod.u1.started.ms=420
                pod.u2.name=ns/web-2
                pod.u2.outcome=started
                pod.u2.started.ms=510
                pod.u3.name=ns/web-3
                pod.u3.outcome=not restored\\: its manifest /etc/m.yaml was removed
                pod.u4.name=ns/web-4
                pod.u4.outcome=started
                pod.u4.started.ms=oops
                """.formatted(jvmStart.toString().replace(":", "\\:")));
    }

    @Test
    void startedPodsOfThisProcessAreRead() throws Exception {
        Path file = record(JVM_START);
        Instant processStart = JVM_START.plusMillis(20);
        assertThat(LauncherRecord.read(file, processStart)).containsOnly(
                Map.entry("ns/web-1", Duration.ofMillis(400)), Map.entry("ns/web-2", Duration.ofMillis(490)));
    }

    @Test
    void recordOfAnotherProcessOrNoneIsIgnored() throws Exception {
        Path file = record(JVM_START.minusSeconds(60));
        assertThat(LauncherRecord.read(file, JVM_START)).isEmpty();
        assertThat(LauncherRecord.read(dir.resolve("missing"), JVM_START)).isEmpty();
        Files.writeString(file, "jvm.start=yesterday\n");
        assertThat(LauncherRecord.read(file, JVM_START)).isEmpty();
    }

    @Test
    void restoreTimeIsWhenTheLauncherStartedThePods() {
        TestClock clock = new TestClock(JVM_START.plusSeconds(2));
        RestoreWatch watch = new RestoreWatch(clock, JVM_START, () -> (ProgressTracker) null,
                () -> Map.of("ns/web-1", Duration.ofMillis(400), "ns/web-2", Duration.ofMillis(490)));
        ObjectKey one = ObjectKey.of("Pod", "ns", "web-1");
        ObjectKey two = ObjectKey.of("Pod", "ns", "web-2");
        ObjectKey three = ObjectKey.of("Pod", "ns", "web-3");
        watch.listed(one, "ns/web-1");
        watch.listed(two, "ns/web-2");
        watch.listed(three, "ns/web-3");
        watch.sealed();
        clock.advance(Duration.ofMillis(300));
        watch.running(one);
        watch.running(two);
        assertThat(watch.snapshot().done()).isFalse();
        clock.advance(Duration.ofMillis(500));
        // the third came back through the manager, later
        watch.running(three);
        PodRestore restore = watch.snapshot();
        assertThat(restore.done()).isTrue();
        assertThat(restore.running()).isEqualTo(3);
        assertThat(restore.elapsed()).isEqualTo(Duration.ofMillis(2800));
        assertThat(watch.startedByLauncher()).isEqualTo(2);
    }

    @Test
    void allStartedByTheLauncherReportsTheLaunchersTime() {
        TestClock clock = new TestClock(JVM_START.plusSeconds(2));
        RestoreWatch watch = new RestoreWatch(clock, JVM_START, () -> (ProgressTracker) null,
                () -> Map.of("ns/web-1", Duration.ofMillis(400)));
        ObjectKey one = ObjectKey.of("Pod", "ns", "web-1");
        watch.listed(one, "ns/web-1");
        watch.sealed();
        clock.advance(Duration.ofMillis(300));
        watch.running(one);
        assertThat(watch.snapshot().elapsed()).isEqualTo(Duration.ofMillis(400));
        assertThat(watch.snapshot().managerStarted()).isEqualTo(Duration.ofSeconds(2));
    }
}
