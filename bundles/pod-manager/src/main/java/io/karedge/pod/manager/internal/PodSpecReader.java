package io.karedge.pod.manager.internal;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.karedge.pod.ContainerDescriptor;
import io.karedge.pod.MountSpec;
import io.karedge.pod.PodDescriptor;
import io.karedge.pod.PodRef;
import io.karedge.pod.PodRuntime;
import io.karedge.pod.PortSpec;
import io.karedge.pod.ResourceLimits;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a Pod into what a runtime needs: environment from literals, ConfigMaps, Secrets and pod fields
 * ({@code $(VAR)} references expanded as kubelet does), volumes materialised and mounts resolved,
 * ports, CPU and memory.
 */
final class PodSpecReader {

    private static final Pattern VAR_REF = Pattern.compile("\\$\\$|\\$\\(([-._a-zA-Z][-._a-zA-Z0-9]*)\\)");

    private final ConfigSource config;
    private final VolumeMaterializer volumes;
    private final String nodeName;
    private final String hostIp;

    PodSpecReader(ConfigSource config, String nodeName, String hostIp) {
        this(config, nodeName, hostIp, () -> null);
    }

    PodSpecReader(ConfigSource config, String nodeName, String hostIp,
                  java.util.function.Supplier<io.karedge.api.access.PodTokens> tokens) {
        this.config = config;
        this.volumes = new VolumeMaterializer(config, tokens);
        this.nodeName = nodeName;
        this.hostIp = hostIp;
    }

    static PodRef ref(Pod pod) {
        return new PodRef(uid(pod), pod.getMetadata().getNamespace(), pod.getMetadata().getName());
    }

    /**
     * The pod's uid; a pod written on the node without one (a local manifest) gets one derived from its
     * namespace, name and creation time (which the store keeps across updates), so that it has a directory and
     * runtime labels of its own, stable across restarts, and a pod created again under the same name is a new one.
     */
    static String uid(Pod pod) {
        String uid = pod.getMetadata().getUid();
        if (uid != null && !uid.isBlank()) {
            return uid;
        }
        String identity = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName() + "/"
                + pod.getMetadata().getCreationTimestamp();
        return "local-" + UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8));
    }

    static String runtimeClass(Pod pod) {
        String name = pod.getSpec().getRuntimeClassName();
        return name == null || name.isBlank() ? PodRuntime.DEFAULT_CLASS : name;
    }

    static Duration gracePeriod(Pod pod) {
        Long deletion = pod.getMetadata().getDeletionGracePeriodSeconds();
        Long spec = pod.getSpec().getTerminationGracePeriodSeconds();
        long seconds = deletion != null ? deletion : spec != null ? spec : 30;
        return Duration.ofSeconds(Math.max(0, seconds));
    }

    PodDescriptor describe(Pod pod, Path podDirectory) throws PodConfigException {
        Map<String, Path> volumePaths = volumes.materialise(pod, podDirectory);
        List<ContainerDescriptor> containers = new ArrayList<>();
        for (Container container : pod.getSpec().getContainers()) {
            containers.add(container(pod, container, volumePaths));
        }
        boolean hostNetwork = Boolean.TRUE.equals(pod.getSpec().getHostNetwork());
        String hostname = pod.getSpec().getHostname() == null ? pod.getMetadata().getName() : pod.getSpec().getHostname();
        return new PodDescriptor(ref(pod), runtimeClass(pod), hostNetwork, hostNetwork ? "" : hostname,
                orEmpty(pod.getMetadata().getLabels()), orEmpty(pod.getMetadata().getAnnotations()), containers,
                gracePeriod(pod), podDirectory);
    }

    private ContainerDescriptor container(Pod pod, Container container, Map<String, Path> volumePaths)
            throws PodConfigException {
        Map<String, String> env = environment(pod, container);
        List<String> command = expand(container.getCommand(), env);
        List<String> args = expand(container.getArgs(), env);
        List<MountSpec> mounts = new ArrayList<>();
        for (VolumeMount mount : container.getVolumeMounts() == null ? List.<VolumeMount>of() : container.getVolumeMounts()) {
            Path base = volumePaths.get(mount.getName());
            if (base == null) {
                throw new PodConfigException("CreateContainerConfigError", "container \"" + container.getName()
                        + "\": volumeMount \"" + mount.getName() + "\" names no volume of the pod");
            }
            Path hostPath = base;
            if (mount.getSubPath() != null && !mount.getSubPath().isBlank()) {
                hostPath = base.resolve(mount.getSubPath()).normalize();
                if (!hostPath.startsWith(base)) {
                    throw new PodConfigException("CreateContainerConfigError", "subPath \"" + mount.getSubPath()
                            + "\" leaves volume \"" + mount.getName() + "\"");
                }
            }
            boolean readOnly = Boolean.TRUE.equals(mount.getReadOnly()) || isConfigVolume(pod, mount.getName());
            mounts.add(new MountSpec(mount.getName(), hostPath.toString(), mount.getMountPath(), readOnly));
        }
        List<PortSpec> ports = new ArrayList<>();
        for (ContainerPort port : container.getPorts() == null ? List.<ContainerPort>of() : container.getPorts()) {
            ports.add(new PortSpec(port.getName(), port.getContainerPort() == null ? 0 : port.getContainerPort(),
                    port.getHostPort() == null ? 0 : port.getHostPort(), port.getProtocol(), port.getHostIP()));
        }
        return new ContainerDescriptor(container.getName(), container.getImage(), pullPolicy(container), command, args,
                container.getWorkingDir(), env, mounts, ports, resources(container.getResources()),
                Boolean.TRUE.equals(container.getTty()), Boolean.TRUE.equals(container.getStdin()),
                Boolean.TRUE.equals(container.getStdinOnce()));
    }

    private static String pullPolicy(Container container) {
        String policy = container.getImagePullPolicy();
        if (policy != null && !policy.isBlank()) {
            return policy;
        }
        String image = container.getImage() == null ? "" : container.getImage();
        return image.endsWith(":latest") || !image.substring(image.lastIndexOf('/') + 1).contains(":")
                && !image.contains("@") ? "Always" : "IfNotPresent";
    }

    private static boolean isConfigVolume(Pod pod, String volume) {
        return pod.getSpec().getVolumes().stream().anyMatch(v -> v.getName().equals(volume)
                && (v.getConfigMap() != null || v.getSecret() != null || v.getProjected() != null));
    }

    private Map<String, String> environment(Pod pod, Container container) throws PodConfigException {
        Map<String, String> env = new LinkedHashMap<>();
        String namespace = pod.getMetadata().getNamespace();
        for (EnvFromSource from : container.getEnvFrom() == null ? List.<EnvFromSource>of() : container.getEnvFrom()) {
            String prefix = from.getPrefix() == null ? "" : from.getPrefix();
            if (from.getConfigMapRef() != null) {
                Optional<Map<String, byte[]>> data = config.configMap(namespace, from.getConfigMapRef().getName());
                if (data.isEmpty() && !Boolean.TRUE.equals(from.getConfigMapRef().getOptional())) {
                    throw new PodConfigException("CreateContainerConfigError", "configmap \""
                            + from.getConfigMapRef().getName() + "\" not found");
                }
                data.orElse(Map.of()).forEach((k, v) -> env.put(prefix + k, new String(v, StandardCharsets.UTF_8)));
            } else if (from.getSecretRef() != null) {
                Optional<Map<String, byte[]>> data = config.secret(namespace, from.getSecretRef().getName());
                if (data.isEmpty() && !Boolean.TRUE.equals(from.getSecretRef().getOptional())) {
                    throw new PodConfigException("CreateContainerConfigError", "secret \""
                            + from.getSecretRef().getName() + "\" not found");
                }
                data.orElse(Map.of()).forEach((k, v) -> env.put(prefix + k, new String(v, StandardCharsets.UTF_8)));
            }
        }
        for (EnvVar var : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
            String value;
            if (var.getValueFrom() != null) {
                value = valueFrom(pod, var.getName(), var.getValueFrom());
                if (value == null) {
                    continue;
                }
            } else {
                value = expand(var.getValue() == null ? "" : var.getValue(), env);
            }
            env.put(var.getName(), value);
        }
        return env;
    }

    private String valueFrom(Pod pod, String name, EnvVarSource source) throws PodConfigException {
        String namespace = pod.getMetadata().getNamespace();
        if (source.getConfigMapKeyRef() != null) {
            var ref = source.getConfigMapKeyRef();
            boolean optional = Boolean.TRUE.equals(ref.getOptional());
            Optional<Map<String, byte[]>> data = config.configMap(namespace, ref.getName());
            if (data.isEmpty()) {
                if (optional) {
                    return null;
                }
                throw new PodConfigException("CreateContainerConfigError", "configmap \"" + ref.getName()
                        + "\" not found");
            }
            byte[] value = data.get().get(ref.getKey());
            if (value == null) {
                if (optional) {
                    return null;
                }
                throw new PodConfigException("CreateContainerConfigError", "couldn't find key " + ref.getKey()
                        + " in ConfigMap " + namespace + "/" + ref.getName());
            }
            return new String(value, StandardCharsets.UTF_8);
        }
        if (source.getSecretKeyRef() != null) {
            var ref = source.getSecretKeyRef();
            boolean optional = Boolean.TRUE.equals(ref.getOptional());
            Optional<Map<String, byte[]>> data = config.secret(namespace, ref.getName());
            if (data.isEmpty()) {
                if (optional) {
                    return null;
                }
                throw new PodConfigException("CreateContainerConfigError", "secret \"" + ref.getName()
                        + "\" not found");
            }
            byte[] value = data.get().get(ref.getKey());
            if (value == null) {
                if (optional) {
                    return null;
                }
                throw new PodConfigException("CreateContainerConfigError", "couldn't find key " + ref.getKey()
                        + " in Secret " + namespace + "/" + ref.getName());
            }
            return new String(value, StandardCharsets.UTF_8);
        }
        if (source.getFieldRef() != null) {
            String value = fieldValue(pod, source.getFieldRef().getFieldPath(), this);
            if (value == null) {
                throw new PodConfigException("CreateContainerConfigError", "env " + name + ": field "
                        + source.getFieldRef().getFieldPath() + " is not supported");
            }
            return value;
        }
        throw new PodConfigException("CreateContainerConfigError", "env " + name
                + ": only configMapKeyRef, secretKeyRef and fieldRef are supported in valueFrom");
    }

    /** @return the value of a downward-API field path, or {@code null} if it is not supported */
    static String fieldValue(Pod pod, String path, PodSpecReader reader) {
        if (path == null) {
            return null;
        }
        if (path.startsWith("metadata.labels['") && path.endsWith("']")) {
            return orEmpty(pod.getMetadata().getLabels()).getOrDefault(path.substring(17, path.length() - 2), "");
        }
        if (path.startsWith("metadata.annotations['") && path.endsWith("']")) {
            return orEmpty(pod.getMetadata().getAnnotations()).getOrDefault(path.substring(22, path.length() - 2), "");
        }
        return switch (path) {
            case "metadata.name" -> pod.getMetadata().getName();
            case "metadata.namespace" -> pod.getMetadata().getNamespace();
            case "metadata.uid" -> uid(pod);
            case "spec.nodeName" -> reader == null ? pod.getSpec().getNodeName() : reader.nodeName;
            case "spec.serviceAccountName" -> pod.getSpec().getServiceAccountName() == null ? ""
                    : pod.getSpec().getServiceAccountName();
            case "status.hostIP", "status.podIP" -> reader == null ? null : reader.hostIp;
            default -> null;
        };
    }

    private static List<String> expand(List<String> values, Map<String, String> env) {
        if (values == null) {
            return List.of();
        }
        return values.stream().map(v -> expand(v, env)).toList();
    }

    /** Kubelet's {@code $(VAR)} expansion: known variables are replaced, {@code $$} escapes, the rest stays. */
    static String expand(String value, Map<String, String> env) {
        Matcher matcher = VAR_REF.matcher(value);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String replacement;
            if (matcher.group(1) == null) {
                replacement = "$";
            } else {
                replacement = env.getOrDefault(matcher.group(1), matcher.group());
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    static ResourceLimits resources(ResourceRequirements resources) {
        if (resources == null) {
            return ResourceLimits.NONE;
        }
        Map<String, Quantity> limits = resources.getLimits() == null ? Map.of() : resources.getLimits();
        Map<String, Quantity> requests = resources.getRequests() == null ? Map.of() : resources.getRequests();
        long cpuLimit = millis(limits.get("cpu"));
        long cpuRequest = requests.containsKey("cpu") ? millis(requests.get("cpu")) : cpuLimit;
        return new ResourceLimits(cpuRequest, cpuLimit, bytes(limits.get("memory")));
    }

    private static long millis(Quantity quantity) {
        return quantity == null ? 0 : Quantity.getAmountInBytes(quantity).multiply(BigDecimal.valueOf(1000))
                .setScale(0, java.math.RoundingMode.CEILING).longValueExact();
    }

    private static long bytes(Quantity quantity) {
        return quantity == null ? 0 : Quantity.getAmountInBytes(quantity)
                .setScale(0, java.math.RoundingMode.CEILING).longValueExact();
    }

    private static Map<String, String> orEmpty(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }
}
