package io.karedge.rest.internal;

import io.karedge.pod.PodManagerStatus;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/**
 * {@code GET /api/v1/namespaces/{ns}/pods/{name}/status}: one pod as the pod manager runs it. The root path is
 * the whole path, so {@code /api/v1/namespaces/{ns}/pods/{name}} stays with {@link ObjectsResource}.
 */
@Component(service = PodStatusResource.class, property = HealthProperties.OPTIONAL_POD_MANAGER)
@JaxrsResource
@JSONRequired
@Path("/api/v1/namespaces/{namespace}/pods/{name}/status")
@Produces(MediaType.APPLICATION_JSON)
public class PodStatusResource {

    private final PodManagerStatus pods;

    @Activate
    public PodStatusResource(@Reference(name = "podManager") PodManagerStatus pods) {
        this.pods = pods;
    }

    @GET
    public Response get(@PathParam("namespace") String namespace, @PathParam("name") String name) {
        return pods.pod(namespace, name).map(info -> Response.ok(PodJson.pod(info)).build())
                .orElseGet(() -> ApiStatus.response(ApiStatus.notFound("pods", "", name)));
    }
}
