package io.karedge.kube.api.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import java.util.Map;
import java.util.Set;

/**
 * The discovery documents a client reads before anything else: {@code /version}, {@code /api},
 * {@code /apis}, {@code /apis/<group>} and the resource list of each group version.
 */
final class Discovery {

    /** The Kubernetes API version whose shape this API follows. */
    static final String KUBERNETES_MAJOR = "1";
    static final String KUBERNETES_MINOR = "30";

    static final Set<String> VERBS = Set.of("get", "list", "watch");
    /** Verbs of the kinds the node writes itself ({@link ObjectWriter#WRITABLE}). */
    private static final java.util.List<String> WRITE_VERBS = java.util.List.of("create", "delete", "patch", "update");

    private Discovery() {
    }

    static ObjectNode version() {
        ObjectNode version = KaredgeJson.mapper().createObjectNode();
        version.put("major", KUBERNETES_MAJOR);
        version.put("minor", KUBERNETES_MINOR);
        version.put("gitVersion", "v" + KUBERNETES_MAJOR + "." + KUBERNETES_MINOR + ".0-karedge");
        version.put("gitCommit", "");
        version.put("gitTreeState", "");
        version.put("buildDate", "1970-01-01T00:00:00Z");
        version.put("goVersion", "");
        version.put("compiler", "");
        version.put("platform", "linux/amd64");
        return version;
    }

    /** @param serverAddress {@code host:port} the server is reached at */
    static ObjectNode coreVersions(String serverAddress) {
        ObjectNode versions = KaredgeJson.mapper().createObjectNode();
        versions.put("kind", "APIVersions");
        versions.putArray("versions").add("v1");
        ObjectNode address = versions.putArray("serverAddressByClientCIDRs").addObject();
        address.put("clientCIDR", "0.0.0.0/0");
        address.put("serverAddress", serverAddress);
        return versions;
    }

    static ObjectNode groupList() {
        ObjectNode list = KaredgeJson.mapper().createObjectNode();
        list.put("kind", "APIGroupList");
        list.put("apiVersion", "v1");
        ArrayNode groups = list.putArray("groups");
        for (Map.Entry<String, Set<String>> group : ApiResource.groups().entrySet()) {
            groups.add(group(group.getKey(), group.getValue()));
        }
        return list;
    }

    /** @return the APIGroup document, or {@code null} for a group not served */
    static ObjectNode group(String name) {
        Set<String> versions = ApiResource.groups().get(name);
        if (versions == null) {
            return null;
        }
        ObjectNode group = group(name, versions);
        group.put("kind", "APIGroup");
        group.put("apiVersion", "v1");
        return group;
    }

    private static ObjectNode group(String name, Set<String> versions) {
        ObjectNode group = KaredgeJson.mapper().createObjectNode();
        group.put("name", name);
        ArrayNode list = group.putArray("versions");
        for (String version : versions) {
            list.addObject().put("groupVersion", name + "/" + version).put("version", version);
        }
        String preferred = versions.iterator().next();
        group.putObject("preferredVersion").put("groupVersion", name + "/" + preferred).put("version", preferred);
        return group;
    }

    /** @return the APIResourceList of a group version, or {@code null} if nothing is served there */
    static ObjectNode resourceList(String group, String version) {
        ObjectNode list = KaredgeJson.mapper().createObjectNode();
        list.put("kind", "APIResourceList");
        list.put("apiVersion", "v1");
        list.put("groupVersion", group.isEmpty() ? version : group + "/" + version);
        ArrayNode resources = list.putArray("resources");
        for (ApiResource resource : ApiResource.all()) {
            if (resource.group().equals(group) && resource.version().equals(version)) {
                ObjectNode entry = resources.addObject();
                entry.put("name", resource.plural());
                entry.put("singularName", resource.singular());
                entry.put("namespaced", resource.namespaced());
                entry.put("kind", resource.kind());
                ArrayNode verbs = entry.putArray("verbs");
                VERBS.stream().sorted().forEach(verbs::add);
                if (ObjectWriter.writable(resource)) {
                    WRITE_VERBS.forEach(verbs::add);
                }
                if (!resource.shortNames().isEmpty()) {
                    ArrayNode shortNames = entry.putArray("shortNames");
                    resource.shortNames().forEach(shortNames::add);
                }
            }
        }
        return resources.isEmpty() ? null : list;
    }
}
