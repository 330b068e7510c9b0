package io.karedge.kube.api.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.pod.PodInfo;
import io.karedge.pod.PodManagerStatus;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The pod manager's view of the pods it runs, for the API to show their live status. Its own component, so
 * that the API's bundle resolves and serves on a node without the pod manager.
 */
@Component(service = LivePodStatus.class, property = "karedge.optional.part=pod manager")
public class PodManagerStatusSource implements LivePodStatus {

    private final PodManagerStatus pods;

    @Activate
    public PodManagerStatusSource(@Reference(name = "podManager") PodManagerStatus pods) {
        this.pods = pods;
    }

    @Override
    public Optional<ObjectNode> status(String namespace, String name) {
        return pods.pod(namespace, name).map(PodManagerStatusSource::status).filter(status -> status != null);
    }

    private static ObjectNode status(PodInfo info) {
        ObjectNode status = info.status();
        if (status != null && !status.has("phase") && info.phase() != null) {
            status.put("phase", info.phase());
        }
        return status;
    }
}
