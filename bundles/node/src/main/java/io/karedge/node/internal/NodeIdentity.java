package io.karedge.node.internal;

import io.karedge.api.node.EdgeNode;
import io.karedge.api.node.NodeMode;
import java.nio.file.Path;
import java.util.function.Supplier;

/** One published identity of the node: a fixed name and data directory, the mode as it is now. */
final class NodeIdentity implements EdgeNode {

    private final String nodeName;
    private final Path dataDirectory;
    private final Supplier<NodeMode> mode;

    NodeIdentity(String nodeName, Path dataDirectory, Supplier<NodeMode> mode) {
        this.nodeName = nodeName;
        this.dataDirectory = dataDirectory;
        this.mode = mode;
    }

    @Override
    public String nodeName() {
        return nodeName;
    }

    @Override
    public NodeMode mode() {
        return mode.get();
    }

    @Override
    public Path dataDirectory() {
        return dataDirectory;
    }

    @Override
    public String toString() {
        return "EdgeNode " + nodeName;
    }
}
