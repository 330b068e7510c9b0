package io.karedge.runtime.cri.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.karedge.pod.PodDescriptor;
import io.karedge.pod.PodRef;
import io.karedge.pod.PodRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A runtime whose socket is missing: every pod says so plainly, with the setting that names the socket. */
class CriUnavailableTest {

    @TempDir
    Path data;

    @Test
    void aMissingSocketIsNamedWithTheSettingThatPointsAtIt() {
        String socket = data.resolve("no-containerd.sock").toString();
        try (CriClient client = new CriClient(socket, 2_000)) {
            CriPodRuntime runtime = new CriPodRuntime(client,
                    new CriSettings(socket, 2_000, 2_000, data.resolve("pod-logs"), 1000, ""));
            PodDescriptor pod = new PodDescriptor(new PodRef("uid-1", "default", "hello"), "default", true, "hello",
                    Map.of(), Map.of(), List.of(), Duration.ofSeconds(1), data.resolve("pods/uid-1"));

            PodRuntimeException failure = catchThrowableOfType(() -> runtime.syncSandbox(pod),
                    PodRuntimeException.class);

            assertThat(failure.reason()).isEqualTo("RuntimeUnavailable");
            assertThat(failure.getMessage()).contains(socket).contains("there is no such socket")
                    .contains("etc/io.karedge.runtime.cri.cfg");
        }
    }
}
