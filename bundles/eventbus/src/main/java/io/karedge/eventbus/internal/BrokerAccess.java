package io.karedge.eventbus.internal;

import java.nio.file.Path;

/**
 * Who may connect to the embedded broker and what they may do.
 *
 * @param allowAnonymous accept clients that send no user name (refused with CONNACK 0x05 otherwise)
 * @param passwordFile   the users and their salted password hashes ({@link PasswordFile}); null: no users
 * @param aclFile        topic rights ({@link AclFile}); null: every accepted client may publish and subscribe
 *                       anywhere except on the node's own output topics
 */
public record BrokerAccess(boolean allowAnonymous, Path passwordFile, Path aclFile) {

    /** Anonymous clients accepted, no users, no ACL file: for tests of other features and the benchmark. */
    public static BrokerAccess anonymous() {
        return new BrokerAccess(true, null, null);
    }
}
