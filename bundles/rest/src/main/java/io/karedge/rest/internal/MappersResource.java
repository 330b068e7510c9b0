package io.karedge.rest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.dmi.MapperRegistry;
import io.karedge.dmi.MapperStatus;
import java.util.Locale;
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
 * The external KubeEdge mappers registered over DMI: {@code GET /api/v1/mappers}. A component of its own
 * that needs {@link MapperRegistry}, so the rest of the API works without the DMI server (the package
 * import is optional).
 */
@Component(service = MappersResource.class, property = HealthProperties.OPTIONAL_DMI)
@JaxrsResource
@JSONRequired
@Path("/api/v1/mappers")
@Produces(MediaType.APPLICATION_JSON)
public class MappersResource {

    private final MapperRegistry registry;

    @Activate
    public MappersResource(@Reference(name = "mapperRegistry") MapperRegistry registry) {
        this.registry = registry;
    }

    @GET
    public JsonNode mappers() {
        ObjectNode answer = KaredgeJson.mapper().createObjectNode();
        ArrayNode items = answer.putArray("mappers");
        for (MapperStatus mapper : registry.mappers()) {
            items.add(mapper(mapper));
        }
        return answer;
    }

    static ObjectNode mapper(MapperStatus mapper) {
        ObjectNode json = KaredgeJson.mapper().createObjectNode();
        json.put("name", mapper.name());
        json.put("version", mapper.version());
        json.put("apiVersion", mapper.apiVersion());
        json.put("protocol", mapper.protocol());
        json.put("socket", mapper.address());
        json.put("state", mapper.state().name().toLowerCase(Locale.ROOT));
        json.put("claims", mapper.claims());
        json.put("devices", mapper.devices());
        json.put("pendingPushes", mapper.pending());
        json.put("registeredAt", mapper.registeredAt().toString());
        if (mapper.lastReport() == null) {
            json.putNull("lastReport");
        } else {
            json.put("lastReport", mapper.lastReport().toString());
        }
        if (mapper.lastError() == null) {
            json.putNull("lastError");
        } else {
            json.put("lastError", mapper.lastError());
        }
        return json;
    }
}
