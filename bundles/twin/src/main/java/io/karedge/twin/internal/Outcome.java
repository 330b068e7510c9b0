package io.karedge.twin.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.twin.TwinPublication;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What applying one job produced: its reply, and for a success what changed and what to publish. */
final class Outcome {

    int code = 200;
    String reason;
    JsonNode result;
    /** for setDesired: the properties whose store versions the reply carries (the last one's in its version) */
    List<String> versionProperties = List.of();
    long version;
    final Map<String, MsgTwin> changed = new LinkedHashMap<>();
    String state;
    final List<TwinPublication> publications = new ArrayList<>();

    static Outcome ok(JsonNode result) {
        Outcome outcome = new Outcome();
        outcome.result = result;
        return outcome;
    }

    static Outcome error(int code, String reason, JsonNode result) {
        Outcome outcome = new Outcome();
        outcome.code = code;
        outcome.reason = reason;
        outcome.result = result;
        return outcome;
    }

    boolean ok() {
        return code == 200;
    }

    /** @return whether the job changed a twin or the state, so that its write stored something */
    boolean stored() {
        return ok() && (!changed.isEmpty() || state != null);
    }

    boolean notable() {
        return ok() && (!changed.isEmpty() || state != null || !publications.isEmpty());
    }
}
