package io.karedge.cloud.bridge.internal;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Whether CloudCore routes an upstream request anywhere, by the rules of its CloudHub dispatcher and of the
 * EdgeController and DeviceController upstream parsers (KubeEdge v1.22/v1.23). A request that none of them
 * takes is dropped by CloudCore with a log line ("resource type not found", "unsupported") and never
 * answered, so the bridge does not send it. See the "Wire facts" section of the module README.
 */
final class CloudCoreRoutes {

    /** CloudHub passes these to the node-task manager. */
    private static final Set<String> TASK_OPERATIONS = Set.of("prepull", "upgrade", "UpdateNodeActionStatus");
    private static final Pattern VOLUME = Pattern.compile("^\\w[-\\w.+]*/volume/\\w[-\\w.+]*");
    private static final Set<String> ANY = Set.of();

    /** EdgeController's resource types, with the operations it handles (empty: any). */
    private static final Map<String, Set<String>> EDGE_CONTROLLER = Map.ofEntries(
            Map.entry("nodestatus", ANY), Map.entry("podstatus", ANY), Map.entry("event", ANY),
            Map.entry("configmap", ANY), Map.entry("secret", ANY), Map.entry("serviceaccounttoken", ANY),
            Map.entry("persistentvolume", ANY), Map.entry("persistentvolumeclaim", ANY),
            Map.entry("volumeattachment", ANY), Map.entry("node", Set.of("insert", "query", "update")),
            Map.entry("nodepatch", ANY), Map.entry("podpatch", ANY), Map.entry("pod", Set.of("delete", "insert")),
            Map.entry("rulestatus", ANY), Map.entry("lease", Set.of("insert", "update", "query")),
            Map.entry("certificatesigningrequest", ANY));

    /** DeviceController's resource types (matched anywhere in the resource, as CloudCore does). */
    private static final Set<String> DEVICE_CONTROLLER = Set.of("twin/edge_updated", "membership/detail",
            "state/update");

    private CloudCoreRoutes() {
    }

    /** @return why CloudCore would drop this request, or empty if one of its modules takes it */
    static Optional<String> problem(Message message) {
        String operation = message.operation();
        String resource = message.resource();
        if (Routes.KEEPALIVE.equals(operation) || Routes.RESPONSE.equals(operation) || Routes.ERROR.equals(operation)
                || VOLUME.matcher(resource).find() || TASK_OPERATIONS.contains(operation)
                || "k8s/ca.crt".equals(resource) || "metaserver".equals(message.source())
                || ("upload".equals(operation) && Routes.GROUP_USER.equals(message.group()))) {
            return Optional.empty();
        }
        if ("twin".equals(message.source())) {
            for (String type : DEVICE_CONTROLLER) {
                if (resource.contains(type)) {
                    return Optional.empty();
                }
            }
            return Optional.of("DeviceController knows no resource type in \"" + resource + "\"");
        }
        // EdgeController reads the type at index 3 of node/<node>/<namespace>/<type>/<name>
        String[] path = resource.split("/", -1);
        if (path.length < 2 || path[1].isEmpty()) {
            return Optional.of("CloudCore finds no resource type in \"" + resource + "\" (resource type not found)");
        }
        Set<String> operations = EDGE_CONTROLLER.get(path[1]);
        if (operations == null) {
            return Optional.of("EdgeController does not support resource type \"" + path[1] + "\"");
        }
        if (!operations.isEmpty() && !operations.contains(operation)) {
            return Optional.of("EdgeController does not support operation \"" + operation + "\" on " + path[1]);
        }
        return Optional.empty();
    }
}
