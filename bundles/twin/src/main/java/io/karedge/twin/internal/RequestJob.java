package io.karedge.twin.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.twin.TwinRequest;

/** A job that carries a request payload: parses it once, remembers a parse failure until it is applied. */
abstract class RequestJob extends Job {

    final TwinRequest request;
    private boolean prepared;
    private ObjectNode message;
    private String eventId = "";
    private Rejection invalid;

    RequestJob(TwinRequest request) {
        super(request.target(), request.origin());
        this.request = request;
    }

    @Override
    final void prepare(EngineContext context) {
        if (prepared) {
            return;
        }
        prepared = true;
        try {
            message = IncomingMessage.object(request, context.settings().payloadMaxBytes());
            eventId = IncomingMessage.eventId(message);
            parse(message);
        } catch (Rejection rejection) {
            invalid = rejection;
        }
    }

    /** Checks the parsed message further; called once. */
    void parse(ObjectNode message) throws Rejection {
    }

    /** @throws Rejection the parse failure, if any */
    final ObjectNode message() throws Rejection {
        if (invalid != null) {
            throw invalid;
        }
        return message;
    }

    @Override
    final String eventId() {
        return eventId;
    }

    /** Requests that write: {@code twin/update}, {@code twin/cloud_updated}, {@code state/update}. */
    @Override
    boolean counted() {
        return true;
    }

    @Override
    String describe() {
        return request.operation().suffix();
    }
}
