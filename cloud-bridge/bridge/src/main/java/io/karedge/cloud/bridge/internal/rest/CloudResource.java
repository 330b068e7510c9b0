package io.karedge.cloud.bridge.internal.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.cloud.bridge.CloudLinkSnapshot;
import io.karedge.cloud.bridge.CloudLinkStatus;
import io.karedge.cloud.bridge.WatchedResource;
import java.time.Instant;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/** {@code GET /api/v1/cloud}: the cloud link's state and counters ({@code DISABLED} when no cloud is configured). */
@Component(service = CloudResource.class)
@JaxrsResource
@JSONRequired
@Path("/api/v1/cloud")
@Produces(MediaType.APPLICATION_JSON)
public class CloudResource {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile CloudLinkStatus status;

    @GET
    public ObjectNode cloud() {
        CloudLinkStatus current = status;
        return current == null ? disabled() : json(current.snapshot());
    }

    static ObjectNode disabled() {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("state", "DISABLED");
        node.put("reason", "no cloud configured");
        return node;
    }

    public static ObjectNode json(CloudLinkSnapshot s) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("state", s.state().name());
        node.put("reason", s.reason());
        node.put("since", text(s.since()));
        node.put("server", s.server());
        node.put("node", s.node());
        node.put("certificateExpiry", text(s.certificateExpiry()));
        node.put("certificateRenewal", text(s.certificateRenewal()));
        node.put("lastKeepalive", text(s.lastKeepalive()));
        node.put("uplinkDepth", s.uplinkDepth());
        node.put("messagesIn", s.messagesIn());
        node.put("messagesOut", s.messagesOut());
        node.put("reconnects", s.reconnects());
        node.put("deadLetters", s.deadLetters());
        node.put("reportsNotSent", s.reportsNotSent());
        ObjectNode devices = node.putObject("devicesNotReported");
        s.devicesNotReported().forEach(devices::put);
        ArrayNode watches = node.putArray("cloudWatch");
        for (WatchedResource w : s.cloudWatch()) {
            ObjectNode watch = watches.addObject();
            watch.put("resource", w.resource());
            watch.put("state", w.state().name());
            watch.put("reason", w.reason());
            watch.put("retryAt", text(w.retryAt()));
            ObjectNode list = watch.putObject("lastList");
            list.put("at", text(w.lastList()));
            list.put("objects", w.listedObjects());
            list.put("deletedHere", w.deletedByList());
            list.put("problem", w.listProblem());
            list.put("retryAt", text(w.listRetryAt()));
            watch.put("eventsSinceConnect", w.eventsSinceConnect());
            watch.put("eventsTotal", w.eventsTotal());
        }
        return node;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
