package io.karedge.api.node;

/** Where the node's desired state comes from. */
public enum NodeMode {
    /** Local manifest files under {@code etc/manifests}; no cloud configured. */
    STANDALONE,
    /** A KubeEdge CloudCore, through the cloud bridge. */
    CLOUD
}
