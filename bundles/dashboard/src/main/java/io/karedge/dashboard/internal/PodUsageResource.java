package io.karedge.dashboard.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.pod.CpuUsage;
import io.karedge.pod.MemoryUsage;
import io.karedge.pod.PodManagerStatus;
import io.karedge.pod.PodRuntimeException;
import io.karedge.pod.PodUsage;
import java.util.List;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/pods/usage}: CPU and memory of the running pods, as their runtimes measure them, for the
 * dashboard's pod charts. Not served while the pod manager is not running; a runtime that cannot be asked is
 * a 503 with its reason.
 */
@Component(service = PodUsageResource.class, property = "karedge.optional.part=pod manager")
@JaxrsResource
@JSONRequired
@Path("/api/v1/pods/usage")
@Produces(MediaType.APPLICATION_JSON)
public class PodUsageResource {

    private static final Logger LOG = LoggerFactory.getLogger(PodUsageResource.class);

    private final PodManagerStatus pods;

    @Activate
    public PodUsageResource(@Reference(name = "podManager") PodManagerStatus pods) {
        this.pods = pods;
    }

    @GET
    public Response usage() {
        try {
            return Response.ok(json(pods.usage())).build();
        } catch (PodRuntimeException | RuntimeException e) {
            LOG.debug("Pod usage not available: {}", e.getMessage());
            ObjectNode status = JsonNodeFactory.instance.objectNode();
            status.put("kind", "Status").put("apiVersion", "v1").put("status", "Failure")
                    .put("message", "pod usage cannot be measured: " + e.getMessage())
                    .put("reason", "ServiceUnavailable").put("code", 503);
            return Response.status(503).type(MediaType.APPLICATION_JSON_TYPE).entity(status).build();
        }
    }

    /**
     * {@code {"pods":[{"namespace","name","cpuAt","cpuCoreNanoSeconds","nanoCores","memoryAt","workingSetBytes"}]}};
     * a figure the runtime did not give is left out.
     */
    static ObjectNode json(List<PodUsage> usage) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode list = body.putArray("pods");
        for (PodUsage pod : usage) {
            ObjectNode entry = list.addObject().put("namespace", pod.pod().namespace()).put("name", pod.pod().name());
            CpuUsage cpu = pod.cpu();
            if (cpu != null) {
                entry.put("cpuAt", cpu.time().toEpochMilli()).put("cpuCoreNanoSeconds", cpu.coreNanoSeconds());
                if (cpu.nanoCores() != CpuUsage.UNKNOWN) {
                    entry.put("nanoCores", cpu.nanoCores());
                }
            }
            MemoryUsage memory = pod.memory();
            if (memory != null && memory.workingSetBytes() != MemoryUsage.UNKNOWN) {
                entry.put("memoryAt", memory.time().toEpochMilli()).put("workingSetBytes", memory.workingSetBytes());
            }
        }
        return body;
    }
}
