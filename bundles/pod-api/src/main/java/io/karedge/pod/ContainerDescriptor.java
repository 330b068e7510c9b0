package io.karedge.pod;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One container of a pod, with everything resolved: environment values read from ConfigMaps and
 * Secrets, volumes materialised on the node.
 *
 * @param name            its name in the pod
 * @param image           the image reference (for the feature runtime: a feature repository URL)
 * @param imagePullPolicy {@code Always}, {@code IfNotPresent} or {@code Never}
 * @param command         entrypoint override, empty for the image's
 * @param args            arguments, empty for the image's
 * @param workingDir      working directory, or {@code null}
 * @param env             environment, in declaration order
 * @param mounts          volume mounts
 * @param ports           declared ports
 * @param resources       CPU and memory
 * @param tty             whether to allocate a terminal
 * @param stdin           whether the container's main process keeps a standard input, for attach
 * @param stdinOnce       whether that input closes after the first attach ends
 */
public record ContainerDescriptor(String name, String image, String imagePullPolicy, List<String> command,
                                  List<String> args, String workingDir, Map<String, String> env,
                                  List<MountSpec> mounts, List<PortSpec> ports, ResourceLimits resources,
                                  boolean tty, boolean stdin, boolean stdinOnce) {

    /** A container without a standard input. */
    public ContainerDescriptor(String name, String image, String imagePullPolicy, List<String> command,
                               List<String> args, String workingDir, Map<String, String> env,
                               List<MountSpec> mounts, List<PortSpec> ports, ResourceLimits resources,
                               boolean tty) {
        this(name, image, imagePullPolicy, command, args, workingDir, env, mounts, ports, resources, tty, false,
                false);
    }

    public ContainerDescriptor {
        Objects.requireNonNull(name, "name");
        image = image == null ? "" : image;
        imagePullPolicy = imagePullPolicy == null || imagePullPolicy.isBlank() ? "IfNotPresent" : imagePullPolicy;
        command = List.copyOf(command);
        args = List.copyOf(args);
        env = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(env));
        mounts = List.copyOf(mounts);
        ports = List.copyOf(ports);
        resources = resources == null ? ResourceLimits.NONE : resources;
    }
}
