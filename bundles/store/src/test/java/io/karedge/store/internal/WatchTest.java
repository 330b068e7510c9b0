package io.karedge.store.internal;

import static io.karedge.store.internal.TestObjects.configMap;
import static io.karedge.store.internal.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.karedge.api.meta.ListResult;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.ResourceVersionTooOldException;
import io.karedge.api.meta.Selector;
import io.karedge.api.meta.StoreException;
import io.karedge.api.meta.StoredObject;
import io.karedge.api.meta.Watch;
import io.karedge.api.meta.WatchEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dataDirectory;

    private Store store;

    private SqliteMetaStore open(StoreSettings settings) {
        store = Store.open(dataDirectory, settings);
        return store.metaStore();
    }

    private SqliteMetaStore open() {
        return open(StoreSettings.defaults());
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void replaysRetainedChangesAfterTheGivenVersionThenDeliversLiveOnes() throws Exception {
        SqliteMetaStore meta = open();
        meta.put(pod("edge", "a", "x"), "cloud");
        meta.put(pod("edge", "b", "x"), "cloud");
        meta.put(pod("edge", "a", "y"), "cloud");
        meta.delete(ObjectKey.of("Pod", "edge", "b"));
        RecordingListener listener = new RecordingListener();

        Watch watch = meta.watch(Selector.ALL, 1, listener);
        await().atMost(WAIT).until(() -> listener.events.size() == 3);
        meta.put(configMap("edge", "c", "1"), "cloud");
        await().atMost(WAIT).until(() -> listener.events.size() == 4);

        assertThat(listener.versions()).containsExactly(2L, 3L, 4L, 5L);
        assertThat(listener.events).extracting(WatchEvent::type).containsExactly(
                WatchEvent.Type.ADDED, WatchEvent.Type.MODIFIED, WatchEvent.Type.DELETED, WatchEvent.Type.ADDED);
        WatchEvent deleted = listener.events.get(2);
        assertThat(deleted.object().key()).isEqualTo(ObjectKey.of("Pod", "edge", "b"));
        assertThat(deleted.object().object().at("/spec/containers/0/image").asText()).isEqualTo("x");
        assertThat(listener.events.get(1).object().object().at("/spec/containers/0/image").asText()).isEqualTo("y");
        assertThat(watch.lastDeliveredVersion()).isEqualTo(5);
        assertThat(listener.threads).allMatch(name -> name.startsWith("karedge-store-events-"));
        watch.close();
    }

    @Test
    void aNegativeVersionMeansLiveChangesOnly() throws Exception {
        SqliteMetaStore meta = open();
        meta.put(pod("edge", "a", "x"), "cloud");
        RecordingListener listener = new RecordingListener();

        meta.watch(Selector.ALL, -1, listener);
        meta.put(pod("edge", "b", "x"), "cloud");

        await().atMost(WAIT).until(() -> listener.events.size() == 1);
        assertThat(listener.versions()).containsExactly(2L);
    }

    @Test
    void selectorsFilterReplayedAndLiveEvents() throws Exception {
        SqliteMetaStore meta = open();
        meta.put(pod("a", "p1", "x"), "cloud");
        meta.put(pod("b", "p2", "x"), "cloud");
        meta.put(configMap("a", "c1", "x"), "cloud");
        RecordingListener podsInA = new RecordingListener();
        RecordingListener configMaps = new RecordingListener();

        meta.watch(Selector.of("Pod", "a"), 0, podsInA);
        meta.watch(Selector.kind("ConfigMap"), 0, configMaps);
        meta.put(pod("a", "p3", "x"), "cloud");
        meta.put(pod("b", "p4", "x"), "cloud");
        meta.put(configMap("b", "c2", "x"), "cloud");

        await().atMost(WAIT).until(() -> podsInA.events.size() == 2 && configMaps.events.size() == 2);
        meta.put(pod("a", "last", "x"), "cloud");
        await().atMost(WAIT).until(() -> podsInA.events.size() == 3);
        assertThat(podsInA.events).extracting(event -> event.object().key().name()).containsExactly("p1", "p3", "last");
        assertThat(configMaps.events).extracting(event -> event.object().key().toString())
                .containsExactly("ConfigMap/a/c1", "ConfigMap/b/c2");
    }

    @Test
    void noGapAndNoDuplicateWhileFourWritersRunAndWatchesOpenMidBurst() throws Exception {
        SqliteMetaStore meta = open();
        int writers = 4;
        int writesPerWriter = 600;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            done.add(pool.submit(() -> {
                go.await();
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < writesPerWriter; i++) {
                    String name = "w" + writer + "-" + random.nextInt(40);
                    if (random.nextInt(5) == 0) {
                        meta.delete(ObjectKey.of("ConfigMap", "edge", name));
                    } else {
                        meta.put(configMap("edge", name, writer + ":" + i), "cloud");
                    }
                }
                return null;
            }));
        }
        go.countDown();
        await().atMost(WAIT).until(() -> meta.resourceVersion() >= 300);

        ListResult snapshot = meta.list(Selector.ALL);
        RecordingListener fromList = new RecordingListener();
        RecordingListener fromStart = new RecordingListener();
        RecordingListener live = new RecordingListener();
        meta.watch(Selector.ALL, snapshot.resourceVersion(), fromList);
        meta.watch(Selector.ALL, 0, fromStart);
        meta.watch(Selector.ALL, -1, live);
        for (Future<?> writer : done) {
            writer.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        long last = meta.resourceVersion();
        await().atMost(WAIT).until(() -> lastVersion(fromList) == last && lastVersion(fromStart) == last
                && lastVersion(live) == last);

        assertThat(snapshot.resourceVersion()).isLessThan(last);
        assertThat(fromList.versions()).containsExactlyElementsOf(range(snapshot.resourceVersion() + 1, last));
        assertThat(fromStart.versions()).containsExactlyElementsOf(range(1, last));
        List<Long> liveVersions = live.versions();
        assertThat(liveVersions).isNotEmpty();
        assertThat(liveVersions).containsExactlyElementsOf(range(liveVersions.get(0), last));

        // the list plus the events after it give exactly the final state
        Map<ObjectKey, StoredObject> replayed = new TreeMap<>();
        snapshot.items().forEach(item -> replayed.put(item.key(), item));
        for (WatchEvent event : fromList.events) {
            if (event.type() == WatchEvent.Type.DELETED) {
                assertThat(replayed.remove(event.object().key())).isNotNull();
            } else {
                assertThat(replayed.containsKey(event.object().key()))
                        .isEqualTo(event.type() == WatchEvent.Type.MODIFIED);
                replayed.put(event.object().key(), event.object());
            }
        }
        Map<ObjectKey, StoredObject> expected = new TreeMap<>();
        meta.list(Selector.ALL).items().forEach(item -> expected.put(item.key(), item));
        assertThat(replayed).isEqualTo(expected);
    }

    @Test
    void aVersionOlderThanTheRetainedHistoryIsRejected() throws Exception {
        SqliteMetaStore meta = open(StoreSettings.defaults().withEventRetention(5));
        for (int i = 0; i < 20; i++) {
            meta.put(configMap("edge", "c" + i, "x"), "cloud");
        }
        assertThat(meta.oldestWatchableVersion()).isEqualTo(15);

        assertThatThrownBy(() -> meta.watch(Selector.ALL, 10, new RecordingListener()))
                .isInstanceOfSatisfying(ResourceVersionTooOldException.class, e -> {
                    assertThat(e.requested()).isEqualTo(10);
                    assertThat(e.oldestAvailable()).isEqualTo(15);
                });
        RecordingListener listener = new RecordingListener();
        meta.watch(Selector.ALL, 15, listener);
        await().atMost(WAIT).until(() -> listener.events.size() == 5);
        assertThat(listener.versions()).containsExactly(16L, 17L, 18L, 19L, 20L);
        assertThat(meta.openWatches()).isEqualTo(1);

        store.close();
        SqliteMetaStore reopened = open(StoreSettings.defaults().withEventRetention(5));
        assertThat(reopened.oldestWatchableVersion()).isEqualTo(15);
        assertThatThrownBy(() -> reopened.watch(Selector.ALL, 14, new RecordingListener()))
                .isInstanceOf(ResourceVersionTooOldException.class);
        assertThat(reopened.openWatches()).isZero();
    }

    @Test
    void aSlowListenerIsClosedWithoutSlowingDownWriters() throws Exception {
        SqliteMetaStore meta = open(StoreSettings.defaults().withWatchQueueLimit(10));
        CountDownLatch release = new CountDownLatch(1);
        RecordingListener stuck = new RecordingListener() {
            @Override
            public void onEvent(WatchEvent event) {
                super.onEvent(event);
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        RecordingListener healthy = new RecordingListener();
        Watch slow = meta.watch(Selector.ALL, -1, stuck);
        meta.watch(Selector.ALL, -1, healthy);

        for (int i = 0; i < 30; i++) {
            meta.put(configMap("edge", "c" + i, "x"), "cloud");
            // the healthy listener keeps up (on a loaded machine it could otherwise lag past the limit too)
            int delivered = i + 1;
            await().atMost(WAIT).until(() -> healthy.events.size() == delivered);
        }

        await().atMost(WAIT).until(() -> !slow.isOpen());
        release.countDown();
        await().atMost(WAIT).until(stuck::closed);
        assertThat(stuck.closeReason.get()).isInstanceOf(StoreException.class).hasMessageContaining("behind");
        assertThat(stuck.events).hasSize(1);
        await().atMost(WAIT).until(() -> healthy.events.size() == 30);
        assertThat(healthy.closed()).isFalse();
        assertThat(meta.openWatches()).isEqualTo(1);
    }

    @Test
    void closingStopsDeliveryAndNotifiesOnce() throws Exception {
        SqliteMetaStore meta = open();
        RecordingListener listener = new RecordingListener();
        Watch watch = meta.watch(Selector.ALL, -1, listener);
        meta.put(configMap("edge", "a", "1"), "cloud");
        await().atMost(WAIT).until(() -> listener.events.size() == 1);

        watch.close();
        watch.close();
        meta.put(configMap("edge", "b", "1"), "cloud");
        meta.put(configMap("edge", "c", "1"), "cloud");

        Thread.sleep(200);
        assertThat(listener.events).hasSize(1);
        assertThat(watch.isOpen()).isFalse();
        assertThat(watch.lastDeliveredVersion()).isEqualTo(1);
        assertThat(listener.closeCalls.get()).isEqualTo(1);
        assertThat(listener.closeReason.get()).isNull();
        assertThat(meta.openWatches()).isZero();
    }

    @Test
    void aListenerMayCloseItsWatchFromOnEvent() throws Exception {
        SqliteMetaStore meta = open();
        Watch[] self = new Watch[1];
        RecordingListener listener = new RecordingListener() {
            @Override
            public void onEvent(WatchEvent event) {
                super.onEvent(event);
                self[0].close();
            }
        };
        self[0] = meta.watch(Selector.ALL, -1, listener);
        meta.put(configMap("edge", "a", "1"), "cloud");
        meta.put(configMap("edge", "b", "1"), "cloud");

        await().atMost(WAIT).until(listener::closed);
        Thread.sleep(100);
        assertThat(listener.events).hasSize(1);
        assertThat(listener.closeReason.get()).isNull();
    }

    @Test
    void aListenerThatThrowsIsClosedWithItsException() throws Exception {
        SqliteMetaStore meta = open();
        IllegalStateException boom = new IllegalStateException("boom");
        RecordingListener failing = new RecordingListener() {
            @Override
            public void onEvent(WatchEvent event) {
                super.onEvent(event);
                throw boom;
            }
        };
        RecordingListener other = new RecordingListener();
        Watch watch = meta.watch(Selector.ALL, -1, failing);
        meta.watch(Selector.ALL, -1, other);

        meta.put(configMap("edge", "a", "1"), "cloud");
        meta.put(configMap("edge", "b", "1"), "cloud");

        await().atMost(WAIT).until(failing::closed);
        await().atMost(WAIT).until(() -> other.events.size() == 2);
        assertThat(failing.closeReason.get()).isSameAs(boom);
        assertThat(failing.events).hasSize(1);
        assertThat(watch.isOpen()).isFalse();
    }

    @Test
    void stoppingTheStoreClosesWatchesWithAReason() throws Exception {
        SqliteMetaStore meta = open();
        RecordingListener listener = new RecordingListener();
        Watch watch = meta.watch(Selector.ALL, -1, listener);

        store.close();

        assertThat(listener.closed()).isTrue();
        assertThat(listener.closeReason.get()).isInstanceOf(StoreException.class).hasMessage("store is stopping");
        assertThat(watch.isOpen()).isFalse();
        assertThatThrownBy(() -> meta.watch(Selector.ALL, -1, new RecordingListener()))
                .isInstanceOf(StoreException.class).hasMessage("store is stopping");
    }

    private static long lastVersion(RecordingListener listener) {
        List<WatchEvent> events = listener.events;
        return events.isEmpty() ? -1 : events.get(events.size() - 1).resourceVersion();
    }

    private static List<Long> range(long firstInclusive, long lastInclusive) {
        return LongStream.rangeClosed(firstInclusive, lastInclusive).boxed().toList();
    }
}
