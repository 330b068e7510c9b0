package io.karedge.pod.manager.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.uplink.Uplink;
import io.karedge.api.uplink.UplinkMessage;
import io.karedge.pod.PodRef;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the cloud about pods through the uplink, as EdgeCore's edged does (protocol reference 6.5): the
 * whole status as {@code update} of {@code <ns>/podstatus/<name>} with {@code {"UID","Name","Status"}},
 * coalesced per pod, and, once a deleted pod's containers have stopped, {@code delete} of
 * {@code <ns>/pod/<name>} with a uid precondition.
 */
final class StatusReporter {

    static final String SOURCE = "edged";
    static final String GROUP = "meta";

    private static final Logger LOG = LoggerFactory.getLogger(StatusReporter.class);

    private final Supplier<Uplink> uplink;

    StatusReporter(Supplier<Uplink> uplink) {
        this.uplink = uplink;
    }

    static UplinkMessage statusMessage(PodRef ref, ObjectNode status) {
        ObjectNode content = KaredgeJson.mapper().createObjectNode();
        content.put("UID", ref.uid());
        content.put("Name", ref.name());
        content.set("Status", status.deepCopy());
        return new UplinkMessage(SOURCE, GROUP, "update", ref.namespace() + "/podstatus/" + ref.name(), content,
                "podstatus/" + ref.namespace() + "/" + ref.name());
    }

    static UplinkMessage deleteMessage(PodRef ref) {
        ObjectNode content = KaredgeJson.mapper().createObjectNode();
        content.put("gracePeriodSeconds", 0);
        content.putObject("preconditions").put("uid", ref.uid());
        return new UplinkMessage(SOURCE, GROUP, "delete", ref.namespace() + "/pod/" + ref.name(), content, null);
    }

    /** @return whether the message was handed to the uplink */
    boolean status(PodRef ref, ObjectNode status) {
        return send(statusMessage(ref, status));
    }

    boolean deleted(PodRef ref) {
        return send(deleteMessage(ref));
    }

    private boolean send(UplinkMessage message) {
        Uplink target = uplink.get();
        if (target == null) {
            return false;
        }
        try {
            target.enqueue(message);
            return true;
        } catch (RuntimeException e) {
            LOG.warn("Cannot queue {} {} for the cloud: {}", message.operation(), message.resource(), e.toString());
            return false;
        }
    }
}
