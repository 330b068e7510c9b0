package io.karedge.cloud.bridge;

/** Where the cloud link stands. */
public enum LinkState {
    /** No cloud configured, or the bridge is stopping. */
    DISABLED,
    /** Fetching the CA and requesting (or rotating) the edge certificate. */
    JOINING,
    /** Opening the TLS WebSocket to CloudHub. */
    CONNECTING,
    /** The WebSocket is open and keepalives flow. */
    CONNECTED,
    /** The last attempt failed; waiting before the next one. */
    BACKING_OFF,
    /** Cannot go on without an operator (bad token, CA hash mismatch); the reason says why. */
    FAILED
}
