package io.karedge.rest.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.pod.PodInfo;

/** A pod as the pod manager runs it, in the shape of a Kubernetes Pod (metadata, the spec fields known, status). */
final class PodJson {

    private PodJson() {
    }

    /**
     * @return {@code {"apiVersion":"v1","kind":"Pod","metadata":{name,namespace,uid,creationTimestamp},
     *         "spec":{nodeName,runtimeClassName},"status":{...},"summary":{ready,containers,status,restarts}}}
     */
    static ObjectNode pod(PodInfo info) {
        ObjectNode pod = KaredgeJson.mapper().createObjectNode();
        pod.put("apiVersion", "v1");
        pod.put("kind", "Pod");
        ObjectNode metadata = pod.putObject("metadata");
        metadata.put("name", info.ref().name());
        metadata.put("namespace", info.ref().namespace());
        metadata.put("uid", info.ref().uid());
        if (info.created() != null) {
            metadata.put("creationTimestamp", info.created().toString());
        }
        ObjectNode spec = pod.putObject("spec");
        if (info.nodeName() != null) {
            spec.put("nodeName", info.nodeName());
        }
        if (info.runtimeClass() != null) {
            spec.put("runtimeClassName", info.runtimeClass());
        }
        ObjectNode status = info.status() == null ? pod.putObject("status") : pod.putObject("status").setAll(info.status());
        if (!status.has("phase") && info.phase() != null) {
            status.put("phase", info.phase());
        }
        ObjectNode summary = pod.putObject("summary");
        summary.put("ready", info.ready());
        summary.put("containers", info.containers());
        summary.put("status", info.display());
        summary.put("restarts", info.restarts());
        if (info.podIp() != null) {
            summary.put("podIP", info.podIp());
        }
        return pod;
    }
}
