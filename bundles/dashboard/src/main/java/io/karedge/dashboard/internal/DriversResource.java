package io.karedge.dashboard.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.device.manager.DeviceInfo;
import io.karedge.device.manager.DeviceManagerStatus;
import io.karedge.device.manager.DriverInfo;
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
 * {@code GET /api/v1/drivers}: the protocol drivers with their bundles, and the devices with their run state and
 * its reason (the detail in machine terms, the message, and both as people read them), as the device manager
 * reports them. Not served while the device manager is not running.
 */
@Component(service = DriversResource.class, property = "karedge.optional.part=device manager")
@JaxrsResource
@JSONRequired
@Path("/api/v1/drivers")
@Produces(MediaType.APPLICATION_JSON)
public class DriversResource {

    private final DeviceManagerStatus manager;

    @Activate
    public DriversResource(@Reference(name = "deviceManager") DeviceManagerStatus manager) {
        this.manager = manager;
    }

    @GET
    public JsonNode drivers() {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode body = json.objectNode();
        ArrayNode drivers = body.putArray("drivers");
        for (DriverInfo driver : manager.drivers()) {
            drivers.addObject().put("protocol", driver.protocol()).put("bundle", driver.bundle())
                    .put("version", driver.version()).put("active", driver.active()).put("devices", driver.devices())
                    .put("errors", driver.errors()).put("lastError", driver.lastError());
        }
        ArrayNode devices = body.putArray("devices");
        for (DeviceInfo device : manager.devices()) {
            devices.addObject().put("id", device.id()).put("protocol", device.protocol())
                    .put("model", device.model()).put("state", device.state().name()).put("reason", device.reason())
                    .put("detail", device.detail().wireName()).put("reasonText", device.reasonText())
                    .put("driver", device.driver()).put("reads", device.reads())
                    .put("failedReads", device.failedReads()).put("lastError", device.lastError())
                    .set("readOnly", readOnly(json, device));
        }
        return body;
    }

    /** The properties no desired value may be written to: the model does not make them ReadWrite. */
    private static ArrayNode readOnly(JsonNodeFactory json, DeviceInfo device) {
        ArrayNode names = json.arrayNode();
        device.properties().stream().filter(p -> !p.writable()).forEach(p -> names.add(p.name()));
        return names;
    }
}
