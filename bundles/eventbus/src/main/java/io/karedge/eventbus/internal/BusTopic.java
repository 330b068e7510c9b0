package io.karedge.eventbus.internal;

import io.karedge.api.twin.TwinOperation;
import java.util.Objects;

/** What a received topic means to the bus; produced by {@link TopicParser}. */
public sealed interface BusTopic {

    /**
     * A request for the twin engine.
     *
     * @param operation  what to do
     * @param target     {@code <namespace>/<name>} of the device, or the node name
     * @param replyTopic request topic + {@code /result}, or {@code null} when the operation has no result
     * @param legacy     true when the device was addressed in the v1.15/1.16 single-segment form
     */
    record Twin(TwinOperation operation, String target, String replyTopic, boolean legacy) implements BusTopic {
        public Twin {
            Objects.requireNonNull(operation, "operation");
            Objects.requireNonNull(target, "target");
        }
    }

    /** A message for the cloud ({@code $hw/events/upload/#}, {@code SYS/dis/upload_records}, {@code +/user/#}). */
    record Upload(String topic) implements BusTopic {
    }

    /**
     * A bad or hostile topic under {@code $hw/events/device/} or {@code $hw/events/node/}.
     *
     * @param reason     why, for the log and the error result
     * @param replyTopic where the 400 error result goes, or {@code null} when none can be published (the
     *                   topic is not a request, or it is not a legal topic name)
     */
    record Rejected(String reason, String replyTopic) implements BusTopic {
    }

    /** Anything else: ordinary application traffic, or the bus's own publications. */
    record Other() implements BusTopic {
    }
}
