package io.karedge.rest.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.device.driver.DiscoveredDevice;
import io.karedge.device.manager.DiscoveryException;
import io.karedge.device.manager.DiscoveryResult;
import io.karedge.device.manager.DriverDiscovery;
import java.time.Duration;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/**
 * {@code POST /api/v1/drivers/{protocol}/discover?timeoutSeconds=N}: a device scan by the protocol's active
 * driver, through the device manager; the request waits for its end. A component of its own that needs
 * {@link DriverDiscovery}, so the rest of the API works without the device manager (the package import is
 * optional). Errors are Kubernetes Status bodies: 404 no driver, 409 a scan of that driver is running, 422
 * a driver without discovery, 502 the scan failed, 504 it did not end in time, 400 a timeout out of 1..60.
 */
@Component(service = DiscoveryResource.class, property = HealthProperties.OPTIONAL_DEVICE_MANAGER)
@JaxrsResource
@JSONRequired
@Path("/api/v1/drivers/{protocol}/discover")
@Produces(MediaType.APPLICATION_JSON)
public class DiscoveryResource {

    private final DriverDiscovery discovery;

    @Activate
    public DiscoveryResource(@Reference(name = "driverDiscovery") DriverDiscovery discovery) {
        this.discovery = discovery;
    }

    @POST
    public Response discover(@PathParam("protocol") String protocol,
                             @QueryParam("timeoutSeconds") String timeoutSeconds) {
        Duration timeout;
        try {
            timeout = timeout(timeoutSeconds);
        } catch (IllegalArgumentException e) {
            return ApiStatus.response(400, ApiStatus.BAD_REQUEST, e.getMessage());
        }
        try {
            return Response.ok(json(discovery.discover(protocol, timeout))).build();
        } catch (IllegalArgumentException e) {
            return ApiStatus.response(400, ApiStatus.BAD_REQUEST, e.getMessage());
        } catch (DiscoveryException e) {
            return switch (e.reason()) {
                case NO_DRIVER -> ApiStatus.response(404, ApiStatus.NOT_FOUND, e.getMessage());
                case BUSY -> ApiStatus.response(409, "Conflict", e.getMessage());
                case NOT_SUPPORTED -> ApiStatus.response(422, "Invalid", e.getMessage());
                case FAILED -> ApiStatus.response(502, "BadGateway", e.getMessage());
                case TIMED_OUT -> ApiStatus.response(504, ApiStatus.TIMEOUT, e.getMessage());
                case STOPPED -> ApiStatus.response(503, ApiStatus.SERVICE_UNAVAILABLE, e.getMessage());
            };
        }
    }

    /** @return the timeout asked for, or the manager's default without one */
    static Duration timeout(String seconds) {
        if (seconds == null || seconds.isBlank()) {
            return DriverDiscovery.DEFAULT_TIMEOUT;
        }
        long max = DriverDiscovery.MAX_TIMEOUT.toSeconds();
        try {
            long value = Long.parseLong(seconds.trim());
            if (value >= 1 && value <= max) {
                return Duration.ofSeconds(value);
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        String shown = seconds.length() > 32 ? seconds.substring(0, 32) + "..." : seconds;
        throw new IllegalArgumentException("timeoutSeconds: Invalid value: \"" + shown.replaceAll("\\p{Cntrl}", "?")
                + "\": a whole number of seconds from 1 to " + max);
    }

    static ObjectNode json(DiscoveryResult result) {
        ObjectNode body = KaredgeJson.mapper().createObjectNode().put("protocol", result.protocol());
        ArrayNode devices = body.putArray("devices");
        for (DiscoveredDevice device : result.devices()) {
            ObjectNode item = devices.addObject().put("name", device.name()).put("description", device.description());
            item.set("protocolConfig", device.protocolConfig().deepCopy());
            ArrayNode properties = item.putArray("properties");
            device.properties().forEach(properties::add);
        }
        body.put("elapsedMillis", result.elapsed().toMillis());
        return body;
    }
}
