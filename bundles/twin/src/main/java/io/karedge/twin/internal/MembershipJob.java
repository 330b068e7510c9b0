package io.karedge.twin.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinPublication;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Device of this node appeared or changed in the MetaStore. A new member gets its {@code $state}
 * record and a twin per desired value of its spec, and {@code membership/updated} is published. For a
 * known member only desired values that differ from the ones last taken from the spec are applied,
 * so a spec that did not change never overwrites a value written at the edge since.
 * Desired values from the spec are cloud writes: {@code expected_version.cloud += 1}.
 */
final class MembershipJob extends Job {

    private static final Logger LOG = LoggerFactory.getLogger(MembershipJob.class);

    private final MemberDevice device;

    MembershipJob(MemberDevice device) {
        super(device.id(), TwinOrigin.CLOUD);
        this.device = device;
    }

    @Override
    String describe() {
        return "membership add";
    }

    @Override
    Outcome apply(Working.Tx tx, EngineContext context) {
        boolean added = !tx.member();
        if (added || !Objects.equals(tx.name(), device.name())
                || !Objects.equals(tx.description(), device.description())) {
            tx.member(device.name(), device.description());
        }
        long now = context.now();
        Map<String, MsgTwin> created = new LinkedHashMap<>();
        for (MemberDevice.Desired desired : device.desired()) {
            String property = desired.property();
            MsgTwin current = tx.twin(property);
            if (current != null && desired.value().equals(tx.specDesired(property))) {
                continue;
            }
            String problem = !TwinRules.validName(property) ? "the twin name is not valid"
                    : TwinRules.checkValue(current == null || current.deleted() ? desired.type() : current.type(),
                    desired.value());
            if (problem == null) {
                problem = context.models().problem(deviceId, property, desired.value());
            }
            if (problem != null) {
                // taken as seen: the refused value is not tried again until the spec's value changes
                tx.specDesired(property, desired.value());
                LOG.warn("Device {}: desired value of {} from the spec is not applied: {}", deviceId,
                        Logs.clip(property), problem);
                continue;
            }
            MsgTwin twin = current == null ? new MsgTwin() : current.copy();
            if (current == null || current.deleted()) {
                twin.metadata = twin.metadata.objectNode();
                twin.type(desired.type());
            }
            twin.expected = new MsgTwin.Part(desired.value(), now);
            twin.expectedVersion = (twin.expectedVersion == null ? MsgTwin.Vector.ZERO : twin.expectedVersion)
                    .bumpCloud();
            tx.put(property, twin, false);
            tx.specDesired(property, desired.value());
            created.put(property, twin);
        }
        Outcome outcome = Outcome.ok(null);
        if (added) {
            ObjectNode entry = Messages.membershipEntry(device.id(), device.name(), device.description(), created);
            outcome.publications.add(new TwinPublication(Topics.membershipUpdated(context.nodeName()),
                    Messages.membershipUpdated(now, List.of(entry), null)));
            LOG.info("Device {} joined node {} with {} desired twin(s)", deviceId, context.nodeName(), created.size());
        }
        publishTwinChanges(outcome, tx, Messages.newEventId(), context, now);
        return outcome;
    }
}
