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
 * watch state of each resource (not asked, accepted, refused with CloudCore's reason, retrying without an answer,
 * disconnected while the link is down), the last list's counts (objects named, objects deleted on the node), a
 * failing list's problem and retry time, and the watch events of the session.
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
        // while the link is down no watch is in force: none says accepted, and the last lists' counts stay
        awaitWatch("nodes", w -> w.state() == WatchState.DISCONNECTED);
        assertThat(bridge.snapshot().cloudWatch()).allSatisfy(watch -> {
            assertThat(watch.state()).isEqualTo(WatchState.DISCONNECTED);
            assertThat(watch.reason()).isNotEmpty();
            assertThat(watch.retryAt()).isNull();
            assertThat(watch.lastList()).isNotNull();
        });
        assertThat(watch("services").listedObjects()).isEqualTo(2);
        assertThat(watch("services").eventsTotal()).isEqualTo(5);
        assertThat(watch("endpoints").listedObjects()).isEqualTo(1);
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
    void aFailedListShowsItsProblemAndWhenItIsTriedAgainUntilItSucceeds() {
        cloud.dynamic.failedLists.put("endpoints", "endpoints is forbidden: cannot list resource \"endpoints\"");
        cloud.dynamic.apply("endpoints", endpoints("default", "a", "10.244.1.5", "edge-2"));
        Instant before = Instant.now();
        bridge = connectedBridge(Map.of());

        awaitWatch("endpoints", w -> !w.listProblem().isEmpty());
        WatchedResource failing = watch("endpoints");
        assertThat(failing.listProblem()).isEqualTo("Rejected: endpoints is forbidden: cannot list resource \"endpoints\"");
        assertThat(failing.listRetryAt()).isAfter(before).isBefore(Instant.now().plusSeconds(6));
        assertThat(failing.lastList()).isNull();
        awaitWatch("services", w -> w.lastList() != null);
        assertThat(watch("services").listRetryAt()).as("a list that worked").isNull();

        // the list is allowed again: the retry (5 s later, on the same session) replaces the stored set
        cloud.dynamic.failedLists.clear();
        awaitWatch("endpoints", w -> w.lastList() != null);
        WatchedResource listed = watch("endpoints");
        assertThat(listed.listProblem()).isEmpty();
        assertThat(listed.listRetryAt()).isNull();
        assertThat(listed.listedObjects()).isEqualTo(1);
        assertThat(bridge.snapshot().reconnects()).isZero();
    }

    @Test
    void anAnswerThatArrivesAfterTheLinkWentDownChangesNoWatchState() {
        java.time.Clock clock = java.time.Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), java.time.ZoneOffset.UTC);
        CloudWatchStatus status = new CloudWatchStatus(clock, java.util.List.of("services", "nodes"));
        status.asked();
        status.listed("services", 3, 1);
        status.listFailed("nodes", "no answer within 2000 ms", 5000);
        assertThat(status.snapshot().get(1).listRetryAt()).isEqualTo(clock.instant().plusMillis(5000));

        status.disconnected("CloudHub closed the connection");
        status.answered(Map.of(), 5000);
        status.syncFailed("the session closed", 5000);
        status.listFailed("services", "the session closed", 5000);

        assertThat(status.snapshot()).allSatisfy(watch -> {
            assertThat(watch.state()).isEqualTo(WatchState.DISCONNECTED);
            assertThat(watch.reason()).isEqualTo("CloudHub closed the connection");
            assertThat(watch.listProblem()).isEmpty();
            assertThat(watch.listRetryAt()).isNull();
        });
        assertThat(status.snapshot().get(0).listedObjects()).isEqualTo(3);
        assertThat(status.snapshot().get(0).deletedByList()).isEqualTo(1);

        status.asked();
        assertThat(status.snapshot()).allSatisfy(watch -> assertThat(watch.state()).isEqualTo(WatchState.ASKED));
    }

    @Test
    void aLinkThatDropsBeforeAnySessionLeavesTheWatchesNotAsked() {
        CloudWatchStatus status = new CloudWatchStatus(java.time.Clock.systemUTC(), java.util.List.of("services"));
        status.disconnected("connection refused");
        assertThat(status.snapshot().get(0).state()).isEqualTo(WatchState.NOT_ASKED);
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
