package io.karedge.faults;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Creates a test's nodes and closes them after it, the last created first, whatever the test did
 * ({@code @RegisterExtension final NodesClosed nodes = new NodesClosed();}).
 */
final class NodesClosed implements AfterEachCallback {

    private final List<KaredgeNode> nodes = new ArrayList<>();

    /** @return a fresh node (see {@link KaredgeNode#create}), closed after the test */
    KaredgeNode create(String name) throws IOException, InterruptedException {
        KaredgeNode node = KaredgeNode.create(name);
        nodes.add(node);
        return node;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<KaredgeNode> closing = new ArrayList<>(nodes);
        nodes.clear();
        Collections.reverse(closing);
        closing.forEach(KaredgeNode::close);
    }
}
