package io.karedge.pod.manager.internal;

import io.karedge.api.meta.ObjectKey;
import io.karedge.pod.ContainerUsage;
import io.karedge.pod.LogChunk;
import io.karedge.pod.PodInfo;
import io.karedge.pod.PodRuntime;
import io.karedge.pod.PodRuntimeException;
import io.karedge.pod.PodUsage;
import io.karedge.pod.StreamRequest;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the pod manager shows of its pods: snapshots for listings, logs, exec and attach streams and usage,
 * read from the manager's pods and runtimes without taking part in their reconcile.
 */
final class PodViews {

    private final Map<ObjectKey, ManagedPod> pods;
    private final Map<String, PodRuntime> runtimes;

    PodViews(Map<ObjectKey, ManagedPod> pods, Map<String, PodRuntime> runtimes) {
        this.pods = pods;
        this.runtimes = runtimes;
    }

    List<PodInfo> infos() {
        return pods.values().stream().map(p -> p.info)
                .sorted(Comparator.comparing((PodInfo i) -> i.ref().namespace()).thenComparing(i -> i.ref().name()))
                .toList();
    }

    Optional<PodInfo> info(String namespace, String name) {
        return pods.values().stream().filter(p -> p.ref.namespace().equals(namespace) && p.ref.name().equals(name))
                .map(p -> p.info).findFirst();
    }

    LogChunk log(String namespace, String name, String container, boolean previous, long offset, int maxBytes) {
        ManagedPod managed = pods.values().stream()
                .filter(p -> p.ref.namespace().equals(namespace) && p.ref.name().equals(name)).findFirst().orElse(null);
        if (managed == null) {
            return LogChunk.missing();
        }
        PodRuntime runtime = runtimes.get(managed.runtimeClass == null
                ? PodSpecReader.runtimeClass(managed.pod) : managed.runtimeClass);
        if (runtime == null) {
            return LogChunk.missing();
        }
        String target = container;
        if (target == null || target.isBlank()) {
            target = managed.pod.getSpec().getContainers().get(0).getName();
        }
        try {
            return runtime.readLog(managed.ref, target, previous, offset, maxBytes);
        } catch (PodRuntimeException e) {
            return LogChunk.missing();
        }
    }

    URI stream(String namespace, String name, String container, StreamRequest request) throws PodRuntimeException {
        ManagedPod managed = pods.values().stream()
                .filter(p -> p.ref.namespace().equals(namespace) && p.ref.name().equals(name)).findFirst().orElse(null);
        if (managed == null) {
            throw new PodRuntimeException("PodNotFound",
                    "pods \"" + name + "\" not found in namespace \"" + namespace + "\"");
        }
        PodRuntime runtime = runtimes.get(managed.runtimeClass == null
                ? PodSpecReader.runtimeClass(managed.pod) : managed.runtimeClass);
        if (runtime == null) {
            throw new PodRuntimeException("RuntimeUnavailable",
                    "the runtime of pod " + namespace + "/" + name + " is not available");
        }
        String target = container;
        if (target == null || target.isBlank()) {
            target = managed.pod.getSpec().getContainers().get(0).getName();
        } else {
            String wanted = target;
            if (managed.pod.getSpec().getContainers().stream().noneMatch(c -> wanted.equals(c.getName()))) {
                throw new PodRuntimeException("ContainerNotFound",
                        "container " + wanted + " is not valid for pod " + name);
            }
        }
        return runtime.streamUrl(managed.ref, target, request);
    }

    /**
     * Asks every runtime what its running containers use and groups the answers by the pods this manager
     * runs; containers of pods it does not know (orphans about to be collected) are left out.
     */
    List<PodUsage> usage() throws PodRuntimeException {
        Map<String, ManagedPod> byUid = new HashMap<>();
        pods.values().forEach(p -> byUid.put(p.ref.uid(), p));
        Map<String, List<ContainerUsage>> containers = new HashMap<>();
        for (PodRuntime runtime : runtimes.values()) {
            for (ContainerUsage usage : runtime.usage()) {
                if (byUid.containsKey(usage.pod().uid())) {
                    containers.computeIfAbsent(usage.pod().uid(), uid -> new ArrayList<>()).add(usage);
                }
            }
        }
        List<PodUsage> usages = new ArrayList<>();
        containers.forEach((uid, list) -> {
            ManagedPod managed = byUid.get(uid);
            list.sort(Comparator.comparing(ContainerUsage::container));
            usages.add(PodUsage.of(managed.ref, podStarted(managed), list));
        });
        usages.sort(Comparator.comparing((PodUsage u) -> u.pod().namespace()).thenComparing(u -> u.pod().name()));
        return usages;
    }

    private static Instant podStarted(ManagedPod managed) {
        PodInfo info = managed.info;
        if (info == null) {
            return null;
        }
        if (info.status() != null && info.status().hasNonNull("startTime")) {
            try {
                return Instant.parse(info.status().path("startTime").asText());
            } catch (RuntimeException e) {
                // fall back to the creation time
            }
        }
        return info.created();
    }

    /** @return the uids of the pods the manager knows */
    Set<String> uids() {
        Set<String> uids = new HashSet<>();
        pods.values().forEach(p -> uids.add(p.ref.uid()));
        return uids;
    }
}
