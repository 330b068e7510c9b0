package io.karedge.cloud.bridge.internal;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes every frame from the cloud, on one thread and in arrival order: answers (with
 * {@code parent_msg_id}) to the Uplink entry or the request waiting for them, pushes of group
 * {@code resource}/{@code func} to the MetaStore and then an acknowledgement, membership updates (group
 * {@code twin}) and anything else to the log only. Frames that are not messages are counted and dropped;
 * the link stays up.
 */
final class Dispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final long WARN_EVERY_MILLIS = 10_000;

    private final Downstream downstream;
    private final RemoteQueries queries;
    private final UplinkDrainer drainer;
    private final LinkStatusHolder status;
    private long lastWarning;

    Dispatcher(Downstream downstream, RemoteQueries queries, UplinkDrainer drainer, LinkStatusHolder status) {
        this.downstream = downstream;
        this.queries = queries;
        this.drainer = drainer;
        this.status = status;
    }

    void handle(byte[] frame, Session session) {
        Message message;
        try {
            message = MessageCodec.decode(frame);
        } catch (MalformedMessageException e) {
            status.malformedIn.incrementAndGet();
            warn("Dropped a frame from CloudHub that is not a message ({} bytes): {}", frame.length, e.getMessage());
            return;
        }
        try {
            route(message, session);
        } catch (RuntimeException e) {
            warn("Could not handle {}: {}", message, e.toString());
        }
    }

    private void route(Message message, Session session) {
        if (message.isResponse()) {
            boolean matched = drainer.onAnswer(message) || queries.complete(message);
            if (!matched) {
                LOG.debug("Answer to nothing waiting: {}", message);
            }
            if (answerNeedsAck(message)) {
                session.ack(message);
            }
            return;
        }
        switch (message.group()) {
            case Routes.GROUP_RESOURCE, Routes.GROUP_FUNC -> {
                Downstream.Outcome outcome = downstream.apply(message);
                LOG.debug("{}: {}", message, outcome);
                if (outcome != Downstream.Outcome.RETRY) {
                    session.ack(message);
                }
            }
            case Routes.GROUP_TWIN -> LOG.debug("Membership and twin messages are derived from Devices here: {}",
                    message);
            default -> LOG.debug("Not handled by this node: {}", message);
        }
    }

    /**
     * CloudHub keeps answers that carry an object (configmap, secret, volume queries) on its ACK queue.
     * Answers that are {@code "OK"}, an error or an ObjectResp are not. An extra ACK is harmless: CloudHub
     * ignores ACKs for messages it is not waiting for.
     */
    static boolean answerNeedsAck(Message message) {
        if (Routes.APPLICATION_RESPONSE.equals(message.operation())) {
            // DynamicController's answers are not on CloudHub's ACK queue (noAckRequired)
            return false;
        }
        JsonNode content = message.content();
        return content.isObject() && !content.isEmpty() && !ContentDecoder.isError(content)
                && !content.has("Object") && !content.has("Err");
    }

    private void warn(String format, Object... arguments) {
        long now = System.currentTimeMillis();
        if (now - lastWarning >= WARN_EVERY_MILLIS) {
            lastWarning = now;
            LOG.warn(format, arguments);
        } else {
            LOG.debug(format, arguments);
        }
    }
}
