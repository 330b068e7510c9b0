package io.karedge.cloud.bridge.internal;

import static io.karedge.cloud.bridge.internal.CloudWatchFeedTest.endpoints;
import static io.karedge.cloud.bridge.internal.CloudWatchFeedTest.node;
import static io.karedge.cloud.bridge.internal.CloudWatchFeedTest.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.karedge.cloud.bridge.LinkState;
import io.karedge.cloud.bridge.WatchState;
import io.karedge.cloud.bridge.WatchedResource;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * What the bridge's status shows of the cloud watch feed, against the CloudHub double's DynamicController: the
 * watch state of each resource (not asked, accepted, refused with CloudCore's reason, retrying without an answer),
 * the last list's counts (objects named, objects deleted on the node) and the watch events of the session.
 */
class CloudWatchStatusTest extends AgainstCloudHubDouble {

    private static final String FORBIDDEN = "endpoints is forbidden: User \"system:serviceaccount:kubeedge:cloudcore\""
            + " cannot watch resource \"endpoints\" in API group \"\" at the cluster scope";

    @Test
    void watchesAreAcceptedAfterConnectAndListsAndEventsAreCounted() {
        cloud.dynamic.apply("services", service("default", "a", "10.96.0.10"));
        cloud.dynamic.apply("services", service("default", "b", "10.96.0.11"));
        cloud.dynamic.apply("endpoints", endpoints("default", "a", "10.244.1.5", "edge-2"));
        cloud.dynamic.apply("nodes", node("edge-2"));

        // before the first connect nothing was asked
        cloud.accepting = false;
        Map<String, Object> values = Fixtures.fast(cloud);
        bridge = Fixtures.bridge(values, store, data);
        assertThat(bridge.snapshot().cloudWatch()).extracting(WatchedResource::resource)
                .containsExactly("services", "endpoints", "nodes");
        assertThat(bridge.snapshot().cloudWatch()).allSatisfy(watch -> {
            assertThat(watch.state()).isEqualTo(WatchState.NOT_ASKED);
            assertThat(watch.lastList()).isNull();
            assertThat(watch.eventsTotal()).isZero();
        });
        cloud.accepting = true;
        Instant connecting = Instant.now();
        awaitWatch("services", w -> w.state() == WatchState.ACCEPTED && w.lastList() != null);
        awaitWatch("endpoints", w -> w.state() == WatchState.ACCEPTED && w.lastList() != null);
        awaitWatch("nodes", w -> w.state() == WatchState.ACCEPTED && w.lastList() != null);
        WatchedResource services = watch("services");
        assertThat(services.listedObjects()).isEqualTo(2);
        assertThat(services.deletedByList()).isZero();
        assertThat(services.lastList()).isAfterOrEqualTo(connecting.minusSeconds(1));
        assertThat(services.reason()).isEmpty();
        assertThat(services.retryAt()).isNull();
        assertThat(watch("endpoints").listedObjects()).isEqualTo(1);

        // the listener's first dump is a watch event per object, then a create, an update and a delete
        await().atMost(Duration.ofSeconds(10)).until(() -> cloud.dynamic.eventsWaiting("edge-1") == 0);
        awaitWatch("services", w -> w.eventsSinceConnect() == 2);
        awaitWatch("endpoints", w -> w.eventsSinceConnect() == 1);
        cloud.dynamic.apply("services", service("shop", "cart", "10.96.0.12"));
        cloud.dynamic.apply("services", service("shop", "cart", "10.96.0.13"));
        cloud.dynamic.remove("services", "shop", "cart");
        await().atMost(Duration.ofSeconds(10)).until(() -> cloud.dynamic.eventsWaiting("edge-1") == 0);
        awaitWatch("services", w -> w.eventsSinceConnect() == 5 && w.eventsTotal() == 5);
        assertThat(watch("endpoints").eventsSinceConnect()).isEqualTo(1);

        // the link goes, CloudCore restarts and loses a Service meanwhile: the new session's list deletes it here,
        // the new listener dumps what is left, and the events of the session start from zero
        cloud.accepting = false;
        cloud.dropSessions();
        await().atMost(Duration.ofSeconds(10)).until(() -> bridge.snapshot().state() != LinkState.CONNECTED);
        cloud.dynamic.restartCloudCore();
        cloud.dynamic.remove("services", "default", "a");
        cloud.accepting = true;
        awaitWatch("services", w -> w.state() == WatchState.ACCEPTED && w.listedObjects() == 1
                && w.deletedByList() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> cloud.dynamic.eventsWaiting("edge-1") == 0);
        awaitWatch("services", w -> w.eventsSinceConnect() == 1 && w.eventsTotal() == 6);
        assertThat(cloud.cloudCoreLog).isEmpty();
    }

    @Test
    void aRefusedWatchShowsCloudCoresReasonUntilTheRetryIsAccepted() {
        cloud.dynamic.refusedWatches.put("endpoints", FORBIDDEN);
        Instant before = Instant.now();
        bridge = connectedBridge(Map.of());

        awaitWatch("endpoints", w -> w.state() == WatchState.REFUSED);
        WatchedResource refused = watch("endpoints");
        assertThat(refused.reason()).isEqualTo(FORBIDDEN);
        assertThat(refused.retryAt()).isAfter(before);
        awaitWatch("services", w -> w.state() == WatchState.ACCEPTED);
        assertThat(watch("nodes").state()).isEqualTo(WatchState.ACCEPTED);
        assertThat(cloud.dynamic.listeners("edge-1")).hasSize(2);

        // the cluster role is fixed: the next sync (5 s later, on the same session) adds the watch
        cloud.dynamic.refusedWatches.clear();
        awaitWatch("endpoints", w -> w.state() == WatchState.ACCEPTED);
        assertThat(watch("endpoints").reason()).isEmpty();
        assertThat(watch("endpoints").retryAt()).isNull();
        assertThat(cloud.dynamic.listeners("edge-1")).hasSize(3);
        assertThat(bridge.snapshot().reconnects()).isZero();
    }

    @Test
    void aSyncWithoutAnswerIsRetryingUntilTheCloudAnswers() {
        cloud.dynamic.enabled = false;
        Instant before = Instant.now();
        bridge = connectedBridge(Map.of());

        awaitWatch("services", w -> w.state() == WatchState.RETRYING);
        assertThat(bridge.snapshot().cloudWatch()).allSatisfy(watch -> {
            assertThat(watch.state()).isEqualTo(WatchState.RETRYING);
            assertThat(watch.reason()).isEqualTo("no answer within 2000 ms");
            assertThat(watch.retryAt()).isAfter(before);
            assertThat(watch.lastList()).isNull();
        });

        cloud.dynamic.enabled = true;
        awaitWatch("services", w -> w.state() == WatchState.ACCEPTED && w.lastList() != null);
        assertThat(watch("services").reason()).isEmpty();
    }

    @Test
    void anEmptyWatchListShowsNoResources() {
        bridge = connectedBridge(Map.of("watch.resources", ""));
        assertThat(bridge.snapshot().cloudWatch()).isEmpty();
    }

    private WatchedResource watch(String resource) {
        return bridge.snapshot().cloudWatch().stream().filter(w -> w.resource().equals(resource)).findFirst()
                .orElseThrow();
    }

    private void awaitWatch(String resource, Predicate<WatchedResource> condition) {
        await().atMost(Duration.ofSeconds(20)).alias(resource + " in " + bridge.snapshot().cloudWatch())
                .until(() -> condition.test(watch(resource)));
    }
}
