package io.karedge.api.node;

import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Annotations a part of the node wants on the node's own {@code Node} object in the cloud, so that other
 * nodes can read them there (the mesh publishes its tunnel port this way). A whiteboard service: the cloud
 * bridge collects every registered contributor, puts the union of their annotations on the Node when it
 * registers it and with its status reports, and removes an annotation once no contributor gives it.
 *
 * <p><b>The node owns the {@value #DOMAIN} domain on its Node.</b> Only keys of that domain count
 * ({@code karedge.io/<name>} or {@code <prefix>.karedge.io/<name>}, a Kubernetes qualified name); a key outside
 * it is ignored with one log line, because the bridge could never tell it from one that somebody else put on
 * the Node. In turn, every annotation of that domain on the Node that no contributor gives is removed, also
 * one left by an earlier run of the node. When two contributors give one key, the one with the higher
 * {@code service.ranking} (then the lower {@code service.id}) wins.
 *
 * <p>A change is announced by registering the service again or by changing its service properties: the
 * bridge reads {@link #annotations()} when a contributor comes, when its properties change and at every status
 * report, and reports at once when the result differs from what it published.
 *
 * @since 1.2
 */
@ConsumerType
public interface NodeAnnotationContributor {

    /** The annotation domain the node owns on its Node. */
    String DOMAIN = "karedge.io";

    /** @return the annotations to publish now, by key; never null */
    Map<String, String> annotations();

    /** @return whether {@code key} is in the {@value #DOMAIN} domain ({@code karedge.io/x}, {@code a.karedge.io/x}) */
    static boolean owned(String key) {
        int slash = key == null ? -1 : key.indexOf('/');
        if (slash <= 0) {
            return false;
        }
        String prefix = key.substring(0, slash);
        return prefix.equals(DOMAIN) || prefix.endsWith("." + DOMAIN);
    }
}
