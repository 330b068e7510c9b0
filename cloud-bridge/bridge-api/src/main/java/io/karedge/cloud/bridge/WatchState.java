package io.karedge.cloud.bridge;

/**
 * Where the watch of one resource in the cloud stands (the cloud watch feed: CloudCore's DynamicController
 * list-watch of Services, Endpoints or Nodes for this node).
 *
 * @since 1.3
 */
public enum WatchState {
    /** Not asked for yet: the link has not been up since the bridge started. */
    NOT_ASKED,
    /** The watch sync went out on the current session; no answer yet. */
    ASKED,
    /** CloudCore has a listener for it: changes arrive as watch events. */
    ACCEPTED,
    /** CloudCore answered that it could not add the watch (the reason says why); asked again at the retry time. */
    REFUSED,
    /** The watch sync got no usable answer (timeout, lost request); asked again at the retry time. */
    RETRYING,
    /**
     * The link went down after the watch was asked for: whatever CloudCore keeps, no event reaches the node until
     * the link is back, and the watch is asked for again on the next session. Since 1.4.
     */
    DISCONNECTED
}
