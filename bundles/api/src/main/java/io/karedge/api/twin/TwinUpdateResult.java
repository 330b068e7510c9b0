package io.karedge.api.twin;

/**
 * What came of one twin update request ({@code twin/update}, {@code twin/cloud_updated},
 * {@code state/update}, {@link TwinEngine#setDesired}), by the code of its {@link TwinReply}.
 *
 * @since 1.2
 */
public enum TwinUpdateResult {
    /** 200, and something was stored */
    APPLIED,
    /** 200, and nothing needed storing (a delete of a twin that is not there, a sync the edge is newer than) */
    UNCHANGED,
    /** 400: the payload, a name, a value or its type was refused */
    REJECTED,
    /** 404: the device is not a member of this node */
    NOT_FOUND,
    /** 409: the property is not at the version the request expected */
    CONFLICT,
    /** 500: nothing was stored (the store refused the write, the engine is stopping) */
    FAILED;

    /** @return the result a reply with this code stands for; {@code changed} tells 200s apart */
    public static TwinUpdateResult of(int code, boolean changed) {
        return switch (code) {
            case 200 -> changed ? APPLIED : UNCHANGED;
            case 400 -> REJECTED;
            case 404 -> NOT_FOUND;
            case 409 -> CONFLICT;
            default -> FAILED;
        };
    }
}
