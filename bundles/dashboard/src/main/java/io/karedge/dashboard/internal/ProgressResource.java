package io.karedge.dashboard.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/** {@code GET /api/v1/progress}: long work under way; today the features service's deployments. */
@Component(service = ProgressResource.class, property = "karedge.optional.part=features service")
@JaxrsResource
@JSONRequired
@Path("/api/v1/progress")
@Produces(MediaType.APPLICATION_JSON)
public class ProgressResource {

    private final FeatureProgress features;

    @Activate
    public ProgressResource(@Reference(name = "featureProgress") FeatureProgress features) {
        this.features = features;
    }

    @GET
    public JsonNode progress() {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.set("features", features.json());
        return body;
    }
}
