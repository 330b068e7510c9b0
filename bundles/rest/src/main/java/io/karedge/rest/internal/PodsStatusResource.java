package io.karedge.rest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.pod.PodInfo;
import io.karedge.pod.PodManagerStatus;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/**
 * {@code GET /api/v1/pods/status}: every pod the pod manager runs, with its status as reported to the cloud.
 * A component of its own that needs {@link PodManagerStatus} (package imported optionally), so the rest of
 * the API works without the pod manager. Its path is more specific than {@code /api/v1/{kind}/{name}}.
 */
@Component(service = PodsStatusResource.class, property = HealthProperties.OPTIONAL_POD_MANAGER)
@JaxrsResource
@JSONRequired
@Path("/api/v1/pods/status")
@Produces(MediaType.APPLICATION_JSON)
public class PodsStatusResource {

    private final PodManagerStatus pods;

    @Activate
    public PodsStatusResource(@Reference(name = "podManager") PodManagerStatus pods) {
        this.pods = pods;
    }

    @GET
    public JsonNode list() {
        ObjectNode list = KaredgeJson.mapper().createObjectNode();
        list.put("kind", "PodList");
        list.put("apiVersion", "v1");
        list.putObject("metadata");
        ArrayNode items = list.putArray("items");
        for (PodInfo info : pods.pods()) {
            items.add(PodJson.pod(info));
        }
        return list;
    }
}
