package io.karedge.cloud.bridge.internal;

import java.time.Instant;

/** What {@link Enrollment} tells about a join as it goes; every method may be left as it is. */
interface JoinSteps {

    JoinSteps NONE = new JoinSteps() {
    };

    /** The stored credentials are for this node, valid and pinned: no join. */
    default void storedCredentialsUsed(Instant notAfter) {
    }

    default void fetchingCa() {
    }

    default void requestingCertificate() {
    }

    default void storingCredentials() {
    }

    /** The certificate is signed and stored. */
    default void joined(Instant notAfter) {
    }
}
