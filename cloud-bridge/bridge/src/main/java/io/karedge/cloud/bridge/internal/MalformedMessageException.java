package io.karedge.cloud.bridge.internal;

/** A frame from the cloud that is not a message; the link stays up and the frame is dropped. */
final class MalformedMessageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String messageId;

    MalformedMessageException(String reason, String messageId) {
        super(reason);
        this.messageId = messageId;
    }

    /** @return the frame's {@code msg_id} if it could be read, else {@code ""} */
    String messageId() {
        return messageId;
    }
}
