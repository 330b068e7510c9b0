package io.karedge.dashboard.internal;

import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.Response;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/** The dashboard's files under {@code /ui/}; {@code /} and {@code /ui} redirect to {@code /ui/}. */
@Component(service = DashboardResource.class)
@JaxrsResource
@Path("/")
public class DashboardResource {

    private final StaticAssets assets = new StaticAssets(DashboardResource.class.getClassLoader());

    @GET
    public Response root() {
        return toDashboard();
    }

    @GET
    @Path("ui")
    public Response uiWithoutSlash() {
        return toDashboard();
    }

    /** A relative Location (RFC 7231), so that the request's Host is not echoed back. */
    private static Response toDashboard() {
        return Response.status(Response.Status.SEE_OTHER).header(HttpHeaders.LOCATION, "/ui/").build();
    }

    @GET
    @Path("ui/{file:[A-Za-z0-9._-]*}")
    public Response file(@PathParam("file") String file) {
        return assets.get(file)
                .map(asset -> Response.ok(asset.bytes()).header(HttpHeaders.CONTENT_TYPE, asset.contentType())
                        .header(HttpHeaders.CACHE_CONTROL, "no-cache").build())
                .orElseGet(() -> Response.status(Response.Status.NOT_FOUND)
                        .header(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8").entity("not found\n").build());
    }
}
