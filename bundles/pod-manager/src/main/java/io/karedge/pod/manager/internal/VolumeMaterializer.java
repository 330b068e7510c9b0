package io.karedge.pod.manager.internal;

import io.karedge.api.access.PodTokens;
import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.ConfigMapProjection;
import io.fabric8.kubernetes.api.model.ConfigMapVolumeSource;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.HostPathVolumeSource;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretProjection;
import io.fabric8.kubernetes.api.model.SecretVolumeSource;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares a pod's volumes on the node, in kubelet's layout under the pod directory:
 * {@code volumes/kubernetes.io~configmap/<volume>/}, {@code kubernetes.io~secret}, {@code kubernetes.io~empty-dir},
 * {@code kubernetes.io~projected}. ConfigMap and Secret volumes are rewritten on every sync (a changed
 * ConfigMap shows in the running container; keys that went away are removed). {@code hostPath} volumes are
 * checked (and created for the {@code ...OrCreate} types).
 */
final class VolumeMaterializer {

    private static final Logger LOG = LoggerFactory.getLogger(VolumeMaterializer.class);

    private final ConfigSource config;
    private final Supplier<PodTokens> tokens;

    VolumeMaterializer(ConfigSource config) {
        this(config, () -> null);
    }

    /** @param tokens the node's pod token issuer of the moment, or a supplier of {@code null} */
    VolumeMaterializer(ConfigSource config, Supplier<PodTokens> tokens) {
        this.config = config;
        this.tokens = tokens;
    }

    /** @return volume name → directory (or file, for a file hostPath) on the node */
    Map<String, Path> materialise(Pod pod, Path podDirectory) throws PodConfigException {
        Map<String, Path> paths = new LinkedHashMap<>();
        String namespace = pod.getMetadata().getNamespace();
        List<Volume> volumes = pod.getSpec().getVolumes() == null ? List.of() : pod.getSpec().getVolumes();
        for (Volume volume : volumes) {
            String name = volume.getName();
            Path volumes2 = podDirectory.resolve("volumes");
            try {
                if (volume.getConfigMap() != null) {
                    ConfigMapVolumeSource source = volume.getConfigMap();
                    Path dir = volumes2.resolve("kubernetes.io~configmap").resolve(name);
                    Optional<Map<String, byte[]>> data = config.configMap(namespace, source.getName());
                    if (data.isEmpty() && !Boolean.TRUE.equals(source.getOptional())) {
                        throw new PodConfigException("CreateContainerConfigError", "volume \"" + name
                                + "\": configmap \"" + source.getName() + "\" not found");
                    }
                    writeFiles(dir, select(data.orElse(Map.of()), source.getItems(), source.getOptional(), name,
                            "configmap " + source.getName()), source.getDefaultMode());
                    paths.put(name, dir);
                } else if (volume.getSecret() != null) {
                    SecretVolumeSource source = volume.getSecret();
                    Path dir = volumes2.resolve("kubernetes.io~secret").resolve(name);
                    Optional<Map<String, byte[]>> data = config.secret(namespace, source.getSecretName());
                    if (data.isEmpty() && !Boolean.TRUE.equals(source.getOptional())) {
                        throw new PodConfigException("CreateContainerConfigError", "volume \"" + name
                                + "\": secret \"" + source.getSecretName() + "\" not found");
                    }
                    writeFiles(dir, select(data.orElse(Map.of()), source.getItems(), source.getOptional(), name,
                            "secret " + source.getSecretName()), source.getDefaultMode());
                    paths.put(name, dir);
                } else if (volume.getEmptyDir() != null) {
                    Path dir = volumes2.resolve("kubernetes.io~empty-dir").resolve(name);
                    Files.createDirectories(dir);
                    paths.put(name, dir);
                } else if (volume.getHostPath() != null) {
                    paths.put(name, hostPath(name, volume.getHostPath()));
                } else if (volume.getProjected() != null) {
                    Path dir = volumes2.resolve("kubernetes.io~projected").resolve(name);
                    writeFiles(dir, projected(pod, volume), volume.getProjected().getDefaultMode());
                    paths.put(name, dir);
                } else {
                    throw new PodConfigException("CreateContainerConfigError", "volume \"" + name
                            + "\": this volume type is not supported on this node (configMap, secret, emptyDir, "
                            + "hostPath and projected are)");
                }
            } catch (IOException e) {
                throw new PodConfigException("CreateContainerConfigError", "volume \"" + name
                        + "\" cannot be prepared: " + e);
            }
        }
        return paths;
    }

    private static Map<String, byte[]> select(Map<String, byte[]> data, List<KeyToPath> items, Boolean optional,
                                              String volume, String what) throws PodConfigException {
        if (items == null || items.isEmpty()) {
            return data;
        }
        Map<String, byte[]> selected = new LinkedHashMap<>();
        for (KeyToPath item : items) {
            byte[] value = data.get(item.getKey());
            if (value == null) {
                if (Boolean.TRUE.equals(optional)) {
                    continue;
                }
                throw new PodConfigException("CreateContainerConfigError", "volume \"" + volume + "\": key \""
                        + item.getKey() + "\" not found in " + what);
            }
            selected.put(item.getPath() == null || item.getPath().isBlank() ? item.getKey() : item.getPath(), value);
        }
        return selected;
    }

    private Map<String, byte[]> projected(Pod pod, Volume volume) throws PodConfigException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        String namespace = pod.getMetadata().getNamespace();
        List<VolumeProjection> sources = volume.getProjected().getSources();
        for (VolumeProjection source : sources == null ? List.<VolumeProjection>of() : sources) {
            if (source.getConfigMap() != null) {
                ConfigMapProjection cm = source.getConfigMap();
                Optional<Map<String, byte[]>> data = config.configMap(namespace, cm.getName());
                if (data.isEmpty()) {
                    LOG.debug("Projected volume {} of {}: configmap {} not stored here, left out", volume.getName(),
                            pod.getMetadata().getName(), cm.getName());
                    continue;
                }
                files.putAll(select(data.get(), cm.getItems(), true, volume.getName(), "configmap " + cm.getName()));
            } else if (source.getSecret() != null) {
                SecretProjection secret = source.getSecret();
                config.secret(namespace, secret.getName()).ifPresent(data -> files.putAll(data));
            } else if (source.getDownwardAPI() != null && source.getDownwardAPI().getItems() != null) {
                for (DownwardAPIVolumeFile item : source.getDownwardAPI().getItems()) {
                    if (item.getFieldRef() != null) {
                        String value = PodSpecReader.fieldValue(pod, item.getFieldRef().getFieldPath(), null);
                        if (value != null) {
                            files.put(item.getPath(), value.getBytes(StandardCharsets.UTF_8));
                        }
                    }
                }
            } else if (source.getServiceAccountToken() != null) {
                PodTokens issuer = tokens.get();
                if (issuer == null) {
                    LOG.debug("Projected volume {}: no pod token issuer on this node, token left out",
                            volume.getName());
                    continue;
                }
                files.put(source.getServiceAccountToken().getPath(), issuer.tokenFor(identity(pod))
                        .getBytes(StandardCharsets.UTF_8));
            }
        }
        return files;
    }

    /** @return the pod as its service-account token names it */
    static PodTokens.PodIdentity identity(Pod pod) {
        String account = pod.getSpec().getServiceAccountName();
        return new PodTokens.PodIdentity(pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
                pod.getMetadata().getUid(), account == null || account.isBlank() ? "default" : account);
    }

    private static Path hostPath(String name, HostPathVolumeSource source) throws PodConfigException, IOException {
        Path path = Path.of(source.getPath());
        String type = source.getType() == null ? "" : source.getType();
        switch (type) {
            case "DirectoryOrCreate" -> Files.createDirectories(path);
            case "FileOrCreate" -> {
                if (!Files.exists(path)) {
                    Files.createDirectories(path.toAbsolutePath().getParent());
                    Files.createFile(path);
                }
            }
            case "Directory" -> require(name, path, Files.isDirectory(path), "is not a directory");
            case "File" -> require(name, path, Files.isRegularFile(path), "is not a file");
            case "Socket", "CharDevice", "BlockDevice" -> require(name, path, Files.exists(path), "does not exist");
            case "" -> { }
            default -> throw new PodConfigException("CreateContainerConfigError", "volume \"" + name
                    + "\": hostPath type \"" + type + "\" is unknown");
        }
        return path;
    }

    private static void require(String name, Path path, boolean ok, String problem) throws PodConfigException {
        if (!ok) {
            throw new PodConfigException("CreateContainerConfigError", "volume \"" + name + "\": hostPath "
                    + path + " " + problem);
        }
    }

    /** Writes each file atomically (temporary file, then rename); removes files no longer wanted. */
    static void writeFiles(Path dir, Map<String, byte[]> files, Integer mode) throws IOException, PodConfigException {
        Files.createDirectories(dir);
        Set<Path> wanted = new HashSet<>();
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Path target = dir.resolve(file.getKey()).normalize();
            if (!target.startsWith(dir) || file.getKey().startsWith("/")) {
                throw new PodConfigException("CreateContainerConfigError", "path \"" + file.getKey()
                        + "\" leaves the volume");
            }
            wanted.add(target);
            Files.createDirectories(target.getParent());
            Optional<byte[]> current = Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)
                    ? Optional.of(Files.readAllBytes(target)) : Optional.empty();
            if (current.isPresent() && java.util.Arrays.equals(current.get(), file.getValue())) {
                continue;
            }
            Path temp = Files.createTempFile(target.getParent(), ".", ".tmp");
            Files.write(temp, file.getValue());
            Files.setPosixFilePermissions(temp, permissions(mode == null ? 0644 : mode));
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        try (var stream = Files.walk(dir)) {
            for (Path existing : stream.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
                if (!wanted.contains(existing)) {
                    Files.deleteIfExists(existing);
                }
            }
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = new HashSet<>();
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                set.add(order[bit]);
            }
        }
        return set;
    }

    /** Deletes a directory tree without following symbolic links. */
    static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warn("Cannot delete {}: {}", root, e.toString());
        }
    }

}
