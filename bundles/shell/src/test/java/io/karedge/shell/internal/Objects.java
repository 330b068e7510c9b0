package io.karedge.shell.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;

/** Builds test objects from JSON text written with single quotes. */
final class Objects {

    private Objects() {
    }

    static ObjectNode json(String singleQuoted) {
        try {
            return (ObjectNode) KaredgeJson.mapper().readTree(singleQuoted.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
