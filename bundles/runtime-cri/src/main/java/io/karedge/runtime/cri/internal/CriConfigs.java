package io.karedge.runtime.cri.internal;

import static io.karedge.runtime.cri.internal.CriPodRuntime.LABEL_CONTAINER_NAME;
import static io.karedge.runtime.cri.internal.CriPodRuntime.LABEL_MANAGED;
import static io.karedge.runtime.cri.internal.CriPodRuntime.LABEL_POD_NAME;
import static io.karedge.runtime.cri.internal.CriPodRuntime.LABEL_POD_NAMESPACE;
import static io.karedge.runtime.cri.internal.CriPodRuntime.LABEL_POD_UID;

import io.karedge.pod.ContainerDescriptor;
import io.karedge.pod.MountSpec;
import io.karedge.pod.PodDescriptor;
import io.karedge.pod.PodRef;
import io.karedge.pod.PortSpec;
import io.karedge.pod.ResourceLimits;
import io.karedge.runtime.cri.v1.ContainerConfig;
import io.karedge.runtime.cri.v1.ContainerMetadata;
import io.karedge.runtime.cri.v1.ImageSpec;
import io.karedge.runtime.cri.v1.KeyValue;
import io.karedge.runtime.cri.v1.LinuxContainerConfig;
import io.karedge.runtime.cri.v1.LinuxContainerResources;
import io.karedge.runtime.cri.v1.LinuxContainerSecurityContext;
import io.karedge.runtime.cri.v1.LinuxPodSandboxConfig;
import io.karedge.runtime.cri.v1.LinuxSandboxSecurityContext;
import io.karedge.runtime.cri.v1.Mount;
import io.karedge.runtime.cri.v1.NamespaceMode;
import io.karedge.runtime.cri.v1.NamespaceOption;
import io.karedge.runtime.cri.v1.PodSandboxConfig;
import io.karedge.runtime.cri.v1.PodSandboxMetadata;
import io.karedge.runtime.cri.v1.PortMapping;
import io.karedge.runtime.cri.v1.Protocol;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sandbox and container configurations the CRI runtime sends, as kubelet builds them: kubelet's labels
 * and annotations, attempts, namespaces, ports, resources, mounts and log paths. The same bytes go into
 * the restore plan, so what the launcher creates is what this runtime would have created.
 */
final class CriConfigs {

    private final CriSettings settings;

    CriConfigs(CriSettings settings) {
        this.settings = settings;
    }

    PodSandboxConfig sandboxConfig(PodDescriptor pod, int attempt) {
        PodRef ref = pod.ref();
        PodSandboxConfig.Builder config = PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(ref.name()).setNamespace(ref.namespace())
                        .setUid(ref.uid()).setAttempt(attempt))
                .setHostname(pod.hostNetwork() ? "" : pod.hostname())
                .setLogDirectory(logDirectory(ref).toString())
                .putAllLabels(pod.labels())
                .putAllLabels(podLabels(ref))
                .putAllAnnotations(pod.annotations())
                .setLinux(LinuxPodSandboxConfig.newBuilder()
                        .setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
                                .setNamespaceOptions(namespaces(pod))));
        for (PortSpec port : pod.ports()) {
            if (port.hostPort() > 0 && !pod.hostNetwork()) {
                config.addPortMappings(PortMapping.newBuilder().setContainerPort(port.containerPort())
                        .setHostPort(port.hostPort()).setHostIp(port.hostIp() == null ? "" : port.hostIp())
                        .setProtocol(protocol(port.protocol())));
            }
        }
        return config.build();
    }

    static NamespaceOption namespaces(PodDescriptor pod) {
        return NamespaceOption.newBuilder()
                .setNetwork(pod.hostNetwork() ? NamespaceMode.NODE : NamespaceMode.POD)
                .setPid(NamespaceMode.CONTAINER)
                .setIpc(NamespaceMode.POD)
                .build();
    }

    static Protocol protocol(String name) {
        return switch (name) {
            case "UDP" -> Protocol.UDP;
            case "SCTP" -> Protocol.SCTP;
            default -> Protocol.TCP;
        };
    }

    static Map<String, String> podLabels(PodRef ref) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(LABEL_POD_NAME, ref.name());
        labels.put(LABEL_POD_NAMESPACE, ref.namespace());
        labels.put(LABEL_POD_UID, ref.uid());
        labels.put(LABEL_MANAGED, "true");
        return labels;
    }

    Path logDirectory(PodRef ref) {
        return settings.logDirectory().resolve(ref.namespace() + "_" + ref.name() + "_" + ref.uid());
    }

    ContainerConfig containerConfig(PodDescriptor pod, ContainerDescriptor container, int attempt) {
        ContainerConfig.Builder config = ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName(container.name()).setAttempt(attempt))
                .setImage(ImageSpec.newBuilder().setImage(container.image()))
                .addAllCommand(container.command())
                .addAllArgs(container.args())
                .setWorkingDir(container.workingDir() == null ? "" : container.workingDir())
                .putAllLabels(podLabels(pod.ref()))
                .putLabels(LABEL_CONTAINER_NAME, container.name())
                .putAnnotations("io.kubernetes.container.restartCount", Integer.toString(attempt))
                .putAnnotations("io.kubernetes.pod.terminationGracePeriod",
                        Long.toString(pod.gracePeriod().toSeconds()))
                .setLogPath(container.name() + "/" + attempt + ".log")
                .setTty(container.tty())
                .setStdin(container.stdin())
                .setStdinOnce(container.stdinOnce())
                .setLinux(LinuxContainerConfig.newBuilder()
                        .setResources(resources(container.resources()))
                        .setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                                .setNamespaceOptions(namespaces(pod))));
        container.env().forEach((k, v) -> config.addEnvs(KeyValue.newBuilder().setKey(k).setValue(v)));
        for (MountSpec mount : container.mounts()) {
            config.addMounts(Mount.newBuilder().setHostPath(mount.hostPath()).setContainerPath(mount.containerPath())
                    .setReadonly(mount.readOnly()));
        }
        return config.build();
    }

    static LinuxContainerResources resources(ResourceLimits limits) {
        LinuxContainerResources.Builder resources = LinuxContainerResources.newBuilder();
        long shares = limits.cpuRequestMillis() > 0 ? Math.max(2, limits.cpuRequestMillis() * 1024 / 1000) : 2;
        resources.setCpuShares(shares);
        if (limits.cpuLimitMillis() > 0) {
            resources.setCpuPeriod(100_000).setCpuQuota(Math.max(1000, limits.cpuLimitMillis() * 100));
        }
        if (limits.memoryLimitBytes() > 0) {
            resources.setMemoryLimitInBytes(limits.memoryLimitBytes());
        }
        return resources.build();
    }
}
