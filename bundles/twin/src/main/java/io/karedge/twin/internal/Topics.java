package io.karedge.twin.internal;

/** The KubeEdge event-bus topics (namespaced form, v1.17+) and the resources of messages to the cloud. */
final class Topics {

    static final String DEVICE_PREFIX = "$hw/events/device/";
    static final String NODE_PREFIX = "$hw/events/node/";

    private Topics() {
    }

    static String device(String deviceId, String suffix) {
        return DEVICE_PREFIX + deviceId + "/" + suffix;
    }

    static String document(String deviceId) {
        return device(deviceId, "twin/update/document");
    }

    static String delta(String deviceId) {
        return device(deviceId, "twin/update/delta");
    }

    static String membershipUpdated(String nodeName) {
        return NODE_PREFIX + nodeName + "/membership/updated";
    }

    /** Route resource of a twin report to the cloud: {@code device/<ns>/<name>/twin/edge_updated}. */
    static String edgeUpdatedResource(String deviceId) {
        return "device/" + deviceId + "/twin/edge_updated";
    }

    /** Route resource of a state report to the cloud: {@code device/<ns>/<name>/state/update}. */
    static String stateResource(String deviceId) {
        return "device/" + deviceId + "/state/update";
    }
}
