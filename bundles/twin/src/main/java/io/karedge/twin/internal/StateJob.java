package io.karedge.twin.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.twin.TwinRequest;
import java.util.Locale;
import java.util.Set;

/**
 * {@code state/update}: stores the device's state (original case) and {@code last_online} (now for
 * {@code online}/{@code ok}, cleared otherwise), answers with the state message and reports it to the cloud.
 */
final class StateJob extends RequestJob {

    static final Set<String> STATES = Set.of("online", "offline", "ok", "unknown", "unhealthy");

    private String state;

    StateJob(TwinRequest request) {
        super(request);
    }

    @Override
    void parse(ObjectNode message) throws Rejection {
        JsonNode node = message.get("state");
        if (node == null || !node.isTextual()) {
            throw Rejection.badRequest("the message has no state string");
        }
        state = node.textValue();
        if (!STATES.contains(state.toLowerCase(Locale.ROOT))) {
            throw Rejection.badRequest("the state " + Logs.clip(state)
                    + " is not one of online, offline, ok, unknown, unhealthy");
        }
    }

    @Override
    Outcome apply(Working.Tx tx, EngineContext context) throws Rejection {
        message();
        if (!tx.member()) {
            throw notFound(deviceId, "updating state");
        }
        String lower = state.toLowerCase(Locale.ROOT);
        String lastOnline = "online".equals(lower) || "ok".equals(lower) ? context.nowRfc3339() : "";
        ObjectNode result = Messages.stateMessage(context.now(), tx.name(), state, lastOnline);
        tx.state(state, lastOnline, result);
        Outcome outcome = Outcome.ok(result);
        outcome.state = state;
        return outcome;
    }
}
