package io.karedge.metrics.internal;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import javax.ws.rs.GET;
import javax.ws.rs.HeaderParam;
import javax.ws.rs.Path;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.StreamingOutput;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/**
 * {@code GET /metrics}: the Prometheus text format 0.0.4, or OpenMetrics 1.0 when the {@code Accept}
 * header asks for {@code application/openmetrics-text}. The protobuf format is not offered.
 */
@Component(service = MetricsResource.class)
@JaxrsResource
@Path("/metrics")
public class MetricsResource {

    private final MetricsRegistry registry;

    @Activate
    public MetricsResource(@Reference(name = "registry") MetricsRegistry registry) {
        this.registry = registry;
    }

    @GET
    public Response metrics(@HeaderParam(HttpHeaders.ACCEPT) String accept) {
        ExpositionFormatWriter writer = writerFor(accept);
        MetricSnapshots snapshots = registry.scrape();
        StreamingOutput body = out -> writer.write(out, snapshots);
        return Response.ok(body).header(HttpHeaders.CONTENT_TYPE, writer.getContentType())
                .header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }

    ExpositionFormatWriter writerFor(String accept) {
        ExpositionFormats formats = Formats.INSTANCE;
        if (formats.getOpenMetricsTextFormatWriter().accepts(accept)) {
            return formats.getOpenMetricsTextFormatWriter();
        }
        return formats.getPrometheusTextFormatWriter();
    }

    /** The writers, read from the client's configuration at the first scrape (not when the node starts). */
    private static final class Formats {
        static final ExpositionFormats INSTANCE = ExpositionFormats.init();
    }
}
