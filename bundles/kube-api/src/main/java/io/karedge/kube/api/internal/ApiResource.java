package io.karedge.kube.api.internal;

import io.karedge.api.meta.Kinds;
import io.karedge.api.meta.Kinds.KindInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One resource the API serves: a kind the MetaStore knows, under its group and version
 * ({@code ""}/{@code v1} for the core group).
 */
record ApiResource(String group, String version, String plural, String kind, boolean namespaced,
                   List<String> shortNames) {

    ApiResource {
        shortNames = List.copyOf(shortNames);
    }

    static ApiResource of(KindInfo info) {
        String apiVersion = info.apiVersion();
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
        return new ApiResource(group, version, info.plural(), info.kind(), info.namespaced(), info.shortNames());
    }

    /** @return every resource served, in the order of {@link Kinds#known()} */
    static List<ApiResource> all() {
        List<ApiResource> all = new ArrayList<>();
        for (KindInfo info : Kinds.known()) {
            all.add(of(info));
        }
        return all;
    }

    /** @return the resource at {@code group/version/plural}, if served */
    static Optional<ApiResource> find(String group, String version, String plural) {
        for (ApiResource resource : all()) {
            if (resource.group().equals(group) && resource.version().equals(version)
                    && resource.plural().equals(plural)) {
                return Optional.of(resource);
            }
        }
        return Optional.empty();
    }

    /** @return the served versions of each non-core group, in order */
    static Map<String, Set<String>> groups() {
        Map<String, Set<String>> groups = new LinkedHashMap<>();
        for (ApiResource resource : all()) {
            if (!resource.group().isEmpty()) {
                groups.computeIfAbsent(resource.group(), g -> new LinkedHashSet<>()).add(resource.version());
            }
        }
        return groups;
    }

    String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    String singular() {
        return kind.toLowerCase(Locale.ROOT);
    }

    /** @return {@code pods} or {@code devices.devices.kubeedge.io}, as Kubernetes names a resource in messages */
    String qualifiedName() {
        return group.isEmpty() ? plural : plural + "." + group;
    }
}
