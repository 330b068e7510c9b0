package io.karedge.cloud.bridge.internal;

import java.util.Set;

/** Route values of the KubeEdge wire protocol that the bridge reads or writes. */
final class Routes {

    static final String RESPONSE = "response";
    static final String ERROR = "error";
    static final String KEEPALIVE = "keepalive";
    static final String INSERT = "insert";
    static final String UPDATE = "update";
    static final String DELETE = "delete";
    static final String PATCH = "patch";
    static final String QUERY = "query";
    /** DynamicController's answer to a MetaServer application. */
    static final String APPLICATION_RESPONSE = "applicationResponse";

    static final String GROUP_RESOURCE = "resource";
    static final String GROUP_FUNC = "func";
    static final String GROUP_TWIN = "twin";
    static final String GROUP_USER = "user";
    static final String GROUP_META = "meta";
    static final String GROUP_TASKMANAGER = "taskmanager";

    /** Source of EdgeHub's own messages (keepalive). */
    static final String SOURCE_HUB = "websocket";
    /** Source of kubelet traffic (node, lease, queries). */
    static final String SOURCE_EDGED = "edged";

    /** Handled by the transport itself and never dispatched: must not be used for application traffic. */
    static final Set<String> RESERVED_OPERATIONS = Set.of("config", "ping", "pong");

    /** Cloud module names: CloudHub drops upstream requests that claim to come from one of them. */
    static final Set<String> CLOUD_SOURCES =
            Set.of("cloudhub", "cloudStream", "devicecontroller", "edgecontroller", "synccontroller");

    private Routes() {
    }
}
