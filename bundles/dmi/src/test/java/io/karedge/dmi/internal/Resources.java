package io.karedge.dmi.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;

/** Device and DeviceModel resources for tests. */
final class Resources {

    private Resources() {
    }

    static ObjectNode json(String text) {
        try {
            return (ObjectNode) KaredgeJson.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A model of protocol {@code protocol} with an INT property {@code temperature} and defaults. */
    static ObjectNode model(String name, String protocol) {
        return json("""
                {"apiVersion": "devices.kubeedge.io/v1beta1", "kind": "DeviceModel",
                 "metadata": {"name": "%s", "namespace": "default"},
                 "spec": {"protocol": "%s",
                          "protocolConfigData": {"baudRate": 9600, "parity": "none"},
                          "properties": [
                            {"name": "temperature", "type": "INT", "accessMode": "ReadWrite", "unit": "C",
                             "minimum": "-40", "maximum": "125",
                             "visitors": {"protocolName": "%s", "configData": {"register": "HoldingRegister",
                                                                             "offset": 2}}},
                            {"name": "label", "type": "STRING", "accessMode": "ReadOnly"}]}}
                """.formatted(name, protocol, protocol));
    }

    /** A device of {@code protocol} using model {@code model} on node {@code node} ("" for none). */
    static ObjectNode device(String name, String model, String protocol, String node, String desired) {
        return json("""
                {"apiVersion": "devices.kubeedge.io/v1beta1", "kind": "Device",
                 "metadata": {"name": "%s", "namespace": "default"},
                 "spec": {"deviceModelRef": {"name": "%s"}, "nodeName": "%s",
                          "protocol": {"protocolName": "%s", "configData": {"port": "/dev/ttyS0", "parity": "even"}},
                          "properties": [
                            {"name": "temperature", "desired": {"value": "%s", "metadata": {"type": "int"}},
                             "collectCycle": 2000, "reportCycle": 5000, "reportToCloud": true,
                             "visitors": {"protocolName": "%s", "configData": {"offset": 4}},
                             "pushMethod": {"mqtt": {"address": "tcp://127.0.0.1:1883", "topic": "t", "qos": 1},
                                            "dbMethod": {"TDEngine": {"TDEngineClientConfig":
                                                         {"addr": "127.0.0.1:6041", "dbName": "edge"}}}}}],
                          "stateReport": {"reportToCloud": true, "reportCycle": 30000}}}
                """.formatted(name, model, node, protocol, desired, protocol));
    }
}
