package io.karedge.boot.podsfirst;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * The CRI v1 calls the restorer makes (package runtime.v1 of k8s.io/cri-api), requests built field by field
 * from the serialized configurations of the plan.
 */
final class CriCalls {

    static final String RUNTIME = "/runtime.v1.RuntimeService/";
    static final String LABEL_POD_UID = "io.kubernetes.pod.uid";

    /** One sandbox as ListPodSandbox describes it. */
    record Sandbox(String id, long attempt, boolean ready) {
    }

    private final GrpcClient grpc;
    private final long timeoutMillis;

    CriCalls(GrpcClient grpc, long timeoutMillis) {
        this.grpc = grpc;
        this.timeoutMillis = timeoutMillis;
    }

    /** RunPodSandboxRequest: config = 1, runtime_handler = 2; the response's pod_sandbox_id = 1. */
    static byte[] runPodSandboxRequest(byte[] config, String runtimeHandler) {
        return new Proto.Writer().bytes(1, config).optionalString(2, runtimeHandler).toByteArray();
    }

    /** CreateContainerRequest: pod_sandbox_id = 1, config = 2, sandbox_config = 3; the response's container_id = 1. */
    static byte[] createContainerRequest(String sandboxId, byte[] config, byte[] sandboxConfig) {
        return new Proto.Writer().string(1, sandboxId).bytes(2, config).bytes(3, sandboxConfig).toByteArray();
    }

    /** StartContainerRequest: container_id = 1 (also the form of Stop/RemovePodSandboxRequest's pod_sandbox_id). */
    static byte[] idRequest(String id) {
        return new Proto.Writer().string(1, id).toByteArray();
    }

    /** ListPodSandboxRequest: filter = 1, a PodSandboxFilter whose label_selector (3) holds the pod's uid. */
    static byte[] listPodSandboxRequest(String uid) {
        byte[] filter = new Proto.Writer().mapEntry(3, LABEL_POD_UID, uid).toByteArray();
        return new Proto.Writer().bytes(1, filter).toByteArray();
    }

    /**
     * ListPodSandboxResponse: items = 1, each a PodSandbox with id = 1, metadata = 2 (attempt = 4) and
     * state = 3 (SANDBOX_READY = 0, the default, so absent when ready).
     */
    static List<Sandbox> sandboxes(byte[] response) throws IOException {
        List<Sandbox> sandboxes = new ArrayList<>();
        Proto.Reader items = new Proto.Reader(response);
        while (items.next()) {
            if (items.field() != 1 || items.wireType() != Proto.LENGTH_DELIMITED) {
                continue;
            }
            String id = "";
            long attempt = 0;
            long state = 0;
            Proto.Reader sandbox = new Proto.Reader(items.bytes());
            while (sandbox.next()) {
                switch (sandbox.field()) {
                    case 1 -> id = sandbox.string();
                    case 2 -> {
                        Proto.Reader metadata = new Proto.Reader(sandbox.bytes());
                        while (metadata.next()) {
                            if (metadata.field() == 4 && metadata.wireType() == Proto.VARINT) {
                                attempt = metadata.varint();
                            }
                        }
                    }
                    case 3 -> state = sandbox.varint();
                    default -> {
                        // created_at, labels, annotations, runtime_handler: not needed here
                    }
                }
            }
            sandboxes.add(new Sandbox(id, attempt, state == 0));
        }
        return sandboxes;
    }

    List<Sandbox> listPodSandbox(String uid) throws IOException, TimeoutException, InterruptedException {
        return sandboxes(grpc.call(RUNTIME + "ListPodSandbox", listPodSandboxRequest(uid), timeoutMillis));
    }

    String runPodSandbox(byte[] config, String runtimeHandler)
            throws IOException, TimeoutException, InterruptedException {
        return id(grpc.call(RUNTIME + "RunPodSandbox", runPodSandboxRequest(config, runtimeHandler), timeoutMillis));
    }

    String createContainer(String sandboxId, byte[] config, byte[] sandboxConfig)
            throws IOException, TimeoutException, InterruptedException {
        return id(grpc.call(RUNTIME + "CreateContainer", createContainerRequest(sandboxId, config, sandboxConfig),
                timeoutMillis));
    }

    void startContainer(String containerId) throws IOException, TimeoutException, InterruptedException {
        grpc.call(RUNTIME + "StartContainer", idRequest(containerId), timeoutMillis);
    }

    void stopPodSandbox(String sandboxId) throws IOException, TimeoutException, InterruptedException {
        grpc.call(RUNTIME + "StopPodSandbox", idRequest(sandboxId), timeoutMillis);
    }

    void removePodSandbox(String sandboxId) throws IOException, TimeoutException, InterruptedException {
        grpc.call(RUNTIME + "RemovePodSandbox", idRequest(sandboxId), timeoutMillis);
    }

    private static String id(byte[] response) throws IOException {
        String id = Proto.firstString(response, 1);
        if (id.isEmpty()) {
            throw new IOException("the runtime answered without an id");
        }
        return id;
    }
}
