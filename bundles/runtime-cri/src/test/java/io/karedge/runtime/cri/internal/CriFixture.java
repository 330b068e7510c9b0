package io.karedge.runtime.cri.internal;

import io.karedge.pod.PodObservation;
import io.karedge.pod.PodRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A CRI runtime on the test containerd for tests outside this package (the exec tunnel test). Its
 * {@link #close()} kills the pods of namespace {@code karedge-test} and closes the connection.
 */
public final class CriFixture implements AutoCloseable {

    private final CriClient client;
    public final PodRuntime runtime;

    private CriFixture(CriClient client, PodRuntime runtime) {
        this.client = client;
        this.runtime = runtime;
    }

    /** @return the socket named by {@code KAREDGE_CRI_SOCKET} if it exists, else null */
    public static String liveSocket() {
        String socket = CriPodLifecycleTest.socket();
        return socket != null && Files.exists(Path.of(socket)) ? socket : null;
    }

    public static CriFixture open(String socket, Path data) {
        CriClient client = new CriClient(socket, 10_000);
        CriPodRuntime runtime = new CriPodRuntime(client, new CriSettings(socket, 10_000, 20_000,
                data.resolve("pod-logs"), 1000, ""));
        CriRuntimeInfo info = new CriRuntimeInfo(client);
        if (!info.refresh()) {
            client.close();
            throw new IllegalStateException("the runtime at " + socket + " does not answer");
        }
        runtime.runtimeName(info.runtimeName());
        return new CriFixture(client, runtime);
    }

    @Override
    public void close() throws Exception {
        for (PodObservation pod : runtime.list()) {
            if (pod.ref().namespace().equals("karedge-test")) {
                runtime.kill(pod.ref(), Duration.ZERO);
            }
        }
        client.close();
    }
}
