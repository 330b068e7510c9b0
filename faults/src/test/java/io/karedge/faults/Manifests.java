package io.karedge.faults;

import java.util.List;

/** Manifests of devices that no driver serves: the twin engine makes them members, nothing reads them. */
final class Manifests {

    private Manifests() {
    }

    static String device(String name) {
        return "apiVersion: devices.kubeedge.io/v1beta1\n"
                + "kind: Device\n"
                + "metadata:\n"
                + "  name: " + name + "\n"
                + "  namespace: default\n"
                + "spec:\n"
                + "  protocol:\n"
                + "    protocolName: fault-suite\n";
    }

    static String devices(List<String> names) {
        StringBuilder yaml = new StringBuilder("# devices of the fault suite\n");
        for (String name : names) {
            yaml.append("---\n").append(device(name));
        }
        return yaml.toString();
    }
}
