package io.karedge.rest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.node.NodeStatusService;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/** {@code GET /api/v1/status}: the node's identity, store version, object counts and bundle health. */
@Component(service = StatusResource.class)
@JaxrsResource
@JSONRequired
@Path("/api/v1/status")
@Produces(MediaType.APPLICATION_JSON)
public class StatusResource {

    private final NodeStatusService statusService;

    @Activate
    public StatusResource(@Reference(name = "nodeStatus") NodeStatusService statusService) {
        this.statusService = statusService;
    }

    @GET
    public JsonNode status() {
        return NodeStatusJson.of(statusService.status());
    }
}
