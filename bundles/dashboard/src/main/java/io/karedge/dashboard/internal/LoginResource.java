package io.karedge.dashboard.internal;

import io.karedge.api.access.LocalAccess;
import java.util.Optional;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Produces;
import javax.ws.rs.Path;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/**
 * {@code /ui/login?code=...}: exchanges a one-time code printed by {@code edge:dashboard-link} for a session
 * cookie ({@code HttpOnly}, {@code SameSite=Strict}) and sends the browser on to the dashboard. A used,
 * expired or unknown code is a 401 page that says how to get a new link. A {@code POST} by a caller with
 * the token makes a new link.
 */
@Component(service = LoginResource.class)
@JaxrsResource
@Path("/ui/login")
public class LoginResource {

    private final LocalAccess access;

    @Activate
    public LoginResource(@Reference(name = "access") LocalAccess access) {
        this.access = access;
    }

    /**
     * A new one-time login link, for a caller that holds the token (the access filter let it through), e.g.
     * a script that opens the dashboard in a browser: {@code {"link":"/ui/login?code=..."}}.
     */
    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Response newLink() {
        return Response.ok("{\"link\":\"/ui/login?code=" + access.newLoginCode() + "\"}")
                .header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }

    @GET
    public Response login(@QueryParam("code") String code) {
        Optional<LocalAccess.Session> session = access.redeemLoginCode(code);
        if (session.isEmpty()) {
            return Response.status(Response.Status.UNAUTHORIZED)
                    .header(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
                    .header(HttpHeaders.CACHE_CONTROL, "no-store")
                    .entity("<!doctype html><title>Karedge</title><p>This login link was used already or has "
                            + "expired. Run <code>edge:dashboard-link</code> in the node's console for a new one.</p>\n")
                    .build();
        }
        // a relative Location: the Host header of the request is not echoed back
        return Response.status(Response.Status.SEE_OTHER)
                .header(HttpHeaders.LOCATION, "/ui/")
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header("Set-Cookie", LocalAccess.SESSION_COOKIE + "=" + session.get().id() + "; Path=/; Max-Age="
                        + session.get().maxAgeSeconds() + "; HttpOnly; SameSite=Strict")
                .build();
    }
}
