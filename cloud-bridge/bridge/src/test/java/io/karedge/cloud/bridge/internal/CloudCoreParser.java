package io.karedge.cloud.bridge.internal;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * CloudCore's routing of one upstream message, step by step as KubeEdge v1.22.2 has it, for the CloudHub
 * double: {@code cloud/pkg/cloudhub/dispatcher/message_dispatcher.go} ({@code DispatchUpstream},
 * {@code PubToController}, {@code Publish}), then {@code cloud/pkg/edgecontroller/controller/upstream.go} or
 * {@code cloud/pkg/devicecontroller/controller/upstream.go} ({@code dispatchMessage}), with
 * {@code cloud/pkg/common/messagelayer/util.go} for the resource parsing.
 */
final class CloudCoreParser {

    private static final Pattern VOLUME = Pattern.compile("^\\w[-\\w.+]*/volume/\\w[-\\w.+]*");
    private static final List<String> CLOUD_MODULES =
            List.of("cloudhub", "cloudStream", "devicecontroller", "edgecontroller", "synccontroller");

    private CloudCoreParser() {
    }

    /**
     * @return the line CloudCore logs when it drops the message without handling it, or {@code null} when a
     *         module takes it (which may still refuse it with an answer)
     */
    static String refusal(Message message) {
        String operation = message.operation();
        // DispatchUpstream, in its order
        if (operation.equals("keepalive") || VOLUME.matcher(message.resource()).find()
                || operation.equals("response") || operation.equals("error")
                || (operation.equals("upload") && message.group().equals("user"))
                || operation.equals("prepull") || operation.equals("upgrade")
                || operation.equals("UpdateNodeActionStatus") || message.resource().equals("k8s/ca.crt")) {
            return null;
        }
        // PubToController: the resource gets the node prefix; a message from a cloud module goes nowhere
        String resource = "node/edge/" + message.resource();
        if (CLOUD_MODULES.contains(message.source())) {
            return null;
        }
        if (message.source().equals("metaserver")) {
            return null;
        }
        if (message.source().equals("twin")) {
            return deviceController(message, resource);
        }
        return edgeController(message, resource);
    }

    private static String deviceController(Message message, String resource) {
        if (!resource.contains("twin/edge_updated") && !resource.contains("membership/detail")
                && !resource.contains("state/update")) {
            return "Parse message: " + message.id() + " resource type with error: unknown resource, found: "
                    + resource;
        }
        return null;
    }

    private static String edgeController(Message message, String resource) {
        String[] tokens = resource.split("/", -1);
        String type = tokens.length > 3 ? tokens[3] : "";
        if (type.isEmpty()) {
            return "parse message: " + message.id() + " resource type with error, message resource: " + resource
                    + ", err: resource type not found";
        }
        String operation = message.operation();
        switch (type) {
            case "nodestatus", "podstatus", "event", "configmap", "secret", "serviceaccounttoken", "persistentvolume",
                    "persistentvolumeclaim", "volumeattachment", "nodepatch", "podpatch", "rulestatus",
                    "certificatesigningrequest" -> {
                return null;
            }
            case "node" -> {
                return Set.of("insert", "query", "update").contains(operation) ? null
                        : "message: " + message.id() + ", operation type: " + operation + " unsupported";
            }
            case "pod" -> {
                return Set.of("delete", "insert").contains(operation) ? null
                        : "message: " + message.id() + ", operation type: " + operation + " unsupported";
            }
            case "lease" -> {
                // other operations fall through the switch silently
                return Set.of("insert", "update", "query").contains(operation) ? null
                        : "lease operation " + operation + " dropped without a log line";
            }
            default -> {
                return "message: " + message.id() + ", resource type: " + type + " unsupported";
            }
        }
    }
}
