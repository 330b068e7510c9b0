package io.karedge.edge.stream.internal;

/** The kinds of tunnel message, with the numbers they carry on the wire. */
enum MessageType {
    LOGS_CONNECT(0),
    EXEC_CONNECT(1),
    METRIC_CONNECT(2),
    DATA(3),
    REMOVE_CONNECT(4),
    CLOSE_CONNECT(5),
    ATTACH_CONNECT(6);

    private final long code;

    MessageType(long code) {
        this.code = code;
    }

    long code() {
        return code;
    }

    /** @return the type with this wire number, or {@code null} for a number this node does not know */
    static MessageType of(long code) {
        for (MessageType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        return null;
    }
}
