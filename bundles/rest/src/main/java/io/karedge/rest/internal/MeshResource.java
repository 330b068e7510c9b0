package io.karedge.rest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.mesh.DnsStatus;
import io.karedge.mesh.MeshEndpoint;
import io.karedge.mesh.MeshPeer;
import io.karedge.mesh.MeshPort;
import io.karedge.mesh.MeshService;
import io.karedge.mesh.MeshStatus;
import io.karedge.mesh.Resolution;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
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
 * The mesh proxy: {@code GET /api/v1/mesh/services} (services, listeners, policies, endpoints with health
 * and connections, DNS counters), {@code GET /api/v1/mesh/peers} (the tunnel's peer nodes) and
 * {@code GET /api/v1/mesh/resolve?name=...}. A component of its own
 * that needs {@link MeshStatus}, so the rest of the API works without the mesh proxy (the package import
 * is optional).
 */
@Component(service = MeshResource.class, property = HealthProperties.OPTIONAL_MESH_PROXY)
@JaxrsResource
@JSONRequired
@Path("/api/v1/mesh")
@Produces(MediaType.APPLICATION_JSON)
public class MeshResource {

    private final MeshStatus mesh;

    @Activate
    public MeshResource(@Reference(name = "meshStatus") MeshStatus mesh) {
        this.mesh = mesh;
    }

    @GET
    @Path("services")
    public JsonNode services() {
        ObjectNode answer = KaredgeJson.mapper().createObjectNode();
        ArrayNode items = answer.putArray("services");
        for (MeshService service : mesh.services()) {
            items.add(service(service));
        }
        answer.set("dns", dns(mesh.dns()));
        return answer;
    }

    @GET
    @Path("peers")
    public JsonNode peers() {
        ObjectNode answer = KaredgeJson.mapper().createObjectNode();
        ArrayNode items = answer.putArray("peers");
        for (MeshPeer peer : mesh.peers()) {
            ObjectNode json = items.addObject();
            json.put("node", peer.node());
            json.put("connected", peer.connected());
            json.put("path", peer.path());
            if (peer.rttMicros() >= 0) {
                json.put("rttMicros", peer.rttMicros());
            }
            json.put("streams", peer.streams());
            json.put("bytesIn", peer.bytesIn());
            json.put("bytesOut", peer.bytesOut());
            if (!peer.error().isEmpty()) {
                json.put("error", peer.error());
            }
        }
        return answer;
    }

    @GET
    @Path("resolve")
    public Response resolve(@QueryParam("name") String name) {
        if (name == null || name.isBlank()) {
            return ApiStatus.response(400, ApiStatus.BAD_REQUEST, "name: Required value: ?name=<service name>");
        }
        Resolution resolution = mesh.resolve(name);
        ObjectNode answer = KaredgeJson.mapper().createObjectNode();
        answer.put("name", resolution.name());
        answer.put("found", resolution.found());
        if (resolution.found()) {
            answer.put("address", resolution.address());
            answer.put("namespace", resolution.namespace());
            answer.put("service", resolution.service());
        }
        answer.put("detail", resolution.detail());
        return Response.ok(answer).build();
    }

    static ObjectNode service(MeshService service) {
        ObjectNode json = KaredgeJson.mapper().createObjectNode();
        json.put("namespace", service.namespace());
        json.put("name", service.name());
        json.put("address", service.address());
        json.put("policy", service.policy());
        json.put("policySource", service.policySource());
        ArrayNode ports = json.putArray("ports");
        for (MeshPort port : service.ports()) {
            ObjectNode p = ports.addObject();
            p.put("name", port.name());
            p.put("protocol", port.protocol());
            p.put("port", port.port());
            p.put("listening", port.listening());
            if (!port.error().isEmpty()) {
                p.put("error", port.error());
            }
            p.put("connections", port.connections());
            p.put("dataPath", port.dataPath());
            ArrayNode endpoints = p.putArray("endpoints");
            for (MeshEndpoint endpoint : port.endpoints()) {
                ObjectNode e = endpoints.addObject();
                e.put("ip", endpoint.ip());
                e.put("port", endpoint.port());
                e.put("source", endpoint.source());
                e.put("healthy", endpoint.healthy());
                if (endpoint.ejectedUntil() != null) {
                    e.put("ejectedUntil", endpoint.ejectedUntil().toString());
                }
                e.put("failures", endpoint.failures());
                e.put("openConnections", endpoint.openConnections());
                e.put("totalConnections", endpoint.totalConnections());
            }
        }
        return json;
    }

    static ObjectNode dns(DnsStatus dns) {
        ObjectNode json = KaredgeJson.mapper().createObjectNode();
        json.put("enabled", dns.enabled());
        json.put("address", dns.address());
        json.put("listening", dns.listening());
        if (!dns.error().isEmpty()) {
            json.put("error", dns.error());
        }
        ArrayNode upstreams = json.putArray("upstreams");
        dns.upstreams().forEach(upstreams::add);
        json.put("queries", dns.queries());
        json.put("answered", dns.answered());
        json.put("nxdomain", dns.nxdomain());
        json.put("forwarded", dns.forwarded());
        json.put("refused", dns.refused());
        json.put("upstreamFailures", dns.upstreamFailures());
        json.put("malformed", dns.malformed());
        return json;
    }
}
