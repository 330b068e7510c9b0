package io.karedge.runtime.cri.internal;

import io.grpc.StatusRuntimeException;
import io.karedge.api.node.ContainerRuntimeInfo;
import io.karedge.runtime.cri.v1.Image;
import io.karedge.runtime.cri.v1.ListImagesRequest;
import io.karedge.runtime.cri.v1.RuntimeCondition;
import io.karedge.runtime.cri.v1.StatusRequest;
import io.karedge.runtime.cri.v1.StatusResponse;
import io.karedge.runtime.cri.v1.VersionRequest;
import io.karedge.runtime.cri.v1.VersionResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * What the runtime says about itself, refreshed by {@link #refresh()}: version in kubelet's form
 * ({@code containerd://1.6.20~ds1}), readiness (the {@code RuntimeReady} condition) and images.
 */
final class CriRuntimeInfo implements ContainerRuntimeInfo {

    private final CriClient client;
    private volatile String version;
    private volatile String runtimeName;
    private volatile boolean ready;
    private volatile String reason = "the runtime has not answered yet";
    private volatile List<Image> images = List.of();

    CriRuntimeInfo(CriClient client) {
        this.client = client;
    }

    /** @return whether the runtime answered */
    boolean refresh() {
        try {
            VersionResponse answer = client.runtime().version(VersionRequest.newBuilder().setVersion("v1").build());
            runtimeName = answer.getRuntimeName();
            version = answer.getRuntimeName() + "://" + answer.getRuntimeVersion();
            StatusResponse status = client.runtime().status(StatusRequest.newBuilder().build());
            boolean runtimeReady = false;
            String why = "RuntimeReady condition missing";
            for (RuntimeCondition condition : status.getStatus().getConditionsList()) {
                if ("RuntimeReady".equals(condition.getType())) {
                    runtimeReady = condition.getStatus();
                    why = runtimeReady ? null : condition.getReason() + ": " + condition.getMessage();
                }
            }
            List<Image> list = new ArrayList<>();
            for (io.karedge.runtime.cri.v1.Image image : client.images().listImages(ListImagesRequest.newBuilder()
                    .build()).getImagesList()) {
                List<String> names = new ArrayList<>(image.getRepoDigestsList());
                names.addAll(image.getRepoTagsList());
                if (!names.isEmpty()) {
                    list.add(new Image(names, image.getSize()));
                }
            }
            images = List.copyOf(list);
            ready = runtimeReady;
            reason = why;
            return true;
        } catch (StatusRuntimeException e) {
            ready = false;
            reason = "container runtime is down: " + CriCalls.describe(e);
            return false;
        }
    }

    String runtimeName() {
        return runtimeName;
    }

    boolean answered() {
        return version != null;
    }

    @Override
    public String runtimeVersion() {
        return version == null ? "containerd://unknown" : version;
    }

    @Override
    public boolean ready() {
        return ready;
    }

    @Override
    public String reason() {
        return reason;
    }

    @Override
    public List<Image> images() {
        return images;
    }
}
