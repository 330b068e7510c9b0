package io.karedge.cloud.bridge.internal.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.cloud.bridge.CloudLinkSnapshot;
import io.karedge.cloud.bridge.CloudLinkStatus;
import io.karedge.cloud.bridge.LinkState;
import io.karedge.cloud.bridge.WatchState;
import io.karedge.cloud.bridge.WatchedResource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import org.junit.jupiter.api.Test;

/** {@code GET /api/v1/cloud}. */
class CloudResourceTest {

    @Test
    void theResourceIsMappedToApiV1CloudAsJson() throws Exception {
        assertThat(CloudResource.class.getAnnotation(Path.class).value()).isEqualTo("/api/v1/cloud");
        assertThat(CloudResource.class.getAnnotation(Produces.class).value()).containsExactly(
                MediaType.APPLICATION_JSON);
        assertThat(CloudResource.class.getMethod("cloud").isAnnotationPresent(GET.class)).isTrue();
    }

    @Test
    void withoutACloudTheStateIsDisabled() {
        ObjectNode json = new CloudResource().cloud();
        assertThat(json.path("state").asText()).isEqualTo("DISABLED");
        assertThat(json.path("reason").asText()).isEqualTo("no cloud configured");
    }

    @Test
    void withACloudEveryFieldIsThere() throws Exception {
        Instant since = Instant.parse("2026-01-02T03:04:05Z");
        Instant expiry = Instant.parse("2027-01-02T03:04:05Z");
        CloudLinkStatus status = () -> new CloudLinkSnapshot(LinkState.CONNECTED, "", since, "10.0.0.5:10000",
                "edge-1", expiry, null, since.plusSeconds(10), 7, 100, 200, 2, 1);
        CloudResource resource = new CloudResource();
        var field = CloudResource.class.getDeclaredField("status");
        field.setAccessible(true);
        field.set(resource, status);

        ObjectNode json = resource.cloud();

        assertThat(json.path("state").asText()).isEqualTo("CONNECTED");
        assertThat(json.path("reason").asText()).isEmpty();
        assertThat(json.path("since").asText()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(json.path("server").asText()).isEqualTo("10.0.0.5:10000");
        assertThat(json.path("node").asText()).isEqualTo("edge-1");
        assertThat(json.path("certificateExpiry").asText()).isEqualTo("2027-01-02T03:04:05Z");
        assertThat(json.get("certificateRenewal").isNull()).isTrue();
        assertThat(json.path("lastKeepalive").asText()).isEqualTo("2026-01-02T03:04:15Z");
        assertThat(json.path("uplinkDepth").asLong()).isEqualTo(7);
        assertThat(json.path("messagesIn").asLong()).isEqualTo(100);
        assertThat(json.path("messagesOut").asLong()).isEqualTo(200);
        assertThat(json.path("reconnects").asLong()).isEqualTo(2);
        assertThat(json.path("deadLetters").asLong()).isEqualTo(1);
    }

    @Test
    void theWatchFeedIsThereInFullPerResource() {
        Instant at = Instant.parse("2026-01-02T03:04:05Z");
        ObjectNode json = CloudResource.json(new CloudLinkSnapshot(LinkState.CONNECTED, "", at, "10.0.0.5:10000",
                "edge-1", null, null, null, 0, 0, 0, 0, 0, 0, Map.of(), List.of(
                        new WatchedResource("services", WatchState.ACCEPTED, "", null, at, 12, 1, "", 7, 30),
                        new WatchedResource("endpoints", WatchState.REFUSED, "endpoints is forbidden",
                                at.plusSeconds(5), null, 0, 0, "Rejected: not served", at.plusSeconds(20), 0, 2))));

        assertThat(json.path("cloudWatch").size()).isEqualTo(2);
        var services = json.path("cloudWatch").path(0);
        assertThat(services.path("resource").asText()).isEqualTo("services");
        assertThat(services.path("state").asText()).isEqualTo("ACCEPTED");
        assertThat(services.path("reason").asText()).isEmpty();
        assertThat(services.get("retryAt").isNull()).isTrue();
        assertThat(services.at("/lastList/at").asText()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(services.at("/lastList/objects").asLong()).isEqualTo(12);
        assertThat(services.at("/lastList/deletedHere").asLong()).isEqualTo(1);
        assertThat(services.at("/lastList/problem").asText()).isEmpty();
        assertThat(services.at("/lastList/retryAt").isNull()).isTrue();
        assertThat(services.path("eventsSinceConnect").asLong()).isEqualTo(7);
        assertThat(services.path("eventsTotal").asLong()).isEqualTo(30);
        var endpoints = json.path("cloudWatch").path(1);
        assertThat(endpoints.path("state").asText()).isEqualTo("REFUSED");
        assertThat(endpoints.path("reason").asText()).isEqualTo("endpoints is forbidden");
        assertThat(endpoints.path("retryAt").asText()).isEqualTo("2026-01-02T03:04:10Z");
        assertThat(endpoints.at("/lastList/at").isNull()).isTrue();
        assertThat(endpoints.at("/lastList/problem").asText()).isEqualTo("Rejected: not served");
        assertThat(endpoints.at("/lastList/retryAt").asText()).isEqualTo("2026-01-02T03:04:25Z");
        assertThat(endpoints.path("eventsTotal").asLong()).isEqualTo(2);
    }

    @Test
    void aSnapshotWithoutTheWatchFeedHasAnEmptyList() {
        ObjectNode json = CloudResource.json(new CloudLinkSnapshot(LinkState.CONNECTED, "", Instant.EPOCH, "s", "n",
                null, null, null, 0, 0, 0, 0, 0));
        assertThat(json.path("cloudWatch").isArray()).isTrue();
        assertThat(json.path("cloudWatch")).isEmpty();
    }
}
