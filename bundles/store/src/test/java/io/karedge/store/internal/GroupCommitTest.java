package io.karedge.store.internal;

import static io.karedge.store.internal.TestObjects.configMap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.Selector;
import io.karedge.api.meta.StoreException;
import io.karedge.api.meta.StoredObject;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitTest {

    @TempDir
    Path dataDirectory;

    @Test
    void manyConcurrentWritersAllSucceedAndEverythingIsReadable() throws Exception {
        int threads = 16;
        int writesPerThread = 250;
        try (Store store = Store.open(dataDirectory, StoreSettings.defaults())) {
            SqliteMetaStore meta = store.metaStore();
            int sequential = 300;
            long sequentialStart = System.nanoTime();
            for (int i = 0; i < sequential; i++) {
                meta.put(configMap("single", "cm-" + i, "v"), "local");
            }
            double sequentialSeconds = (System.nanoTime() - sequentialStart) / 1e9;
            System.out.printf("one writer: %d puts in %.2f s = %.0f puts/s (synchronous=FULL, one commit each)%n",
                    sequential, sequentialSeconds, sequential / sequentialSeconds);
            long before = meta.resourceVersion();
            long batchesBefore = store.database().committedBatches();
            long writesBefore = store.database().committedWrites();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<StoredObject>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    go.await();
                    List<StoredObject> written = new ArrayList<>();
                    for (int i = 0; i < writesPerThread; i++) {
                        written.add(meta.put(configMap("ns" + thread, "cm-" + i, "v" + i), "local"));
                    }
                    return written;
                }));
            }
            long start = System.nanoTime();
            go.countDown();
            Set<Long> versions = ConcurrentHashMap.newKeySet();
            List<StoredObject> all = new ArrayList<>();
            for (Future<List<StoredObject>> result : results) {
                List<StoredObject> written = result.get(60, TimeUnit.SECONDS);
                all.addAll(written);
                written.forEach(object -> versions.add(object.resourceVersion()));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            pool.shutdown();

            int total = threads * writesPerThread;
            Database database = store.database();
            long batches = database.committedBatches() - batchesBefore;
            long writes = database.committedWrites() - writesBefore;
            System.out.printf("group commit: %d puts from %d threads in %.2f s = %.0f puts/s (synchronous=FULL),"
                    + " %d transactions, %.1f writes per commit%n", total, threads, seconds, total / seconds,
                    batches, (double) writes / batches);

            assertThat(versions).hasSize(total);
            assertThat(meta.resourceVersion()).isEqualTo(before + total);
            assertThat(writes).isEqualTo(total);
            assertThat(batches).isLessThan(writes);
            for (StoredObject written : all) {
                assertThat(meta.get(written.key())).contains(written);
            }
            assertThat(meta.list(Selector.ALL).items()).hasSize(total + sequential);
        }
    }

    @Test
    void aFailingWriteFailsOnlyItsOwnCallerAndLeavesNothingBehind() throws Exception {
        try (Store store = Store.open(dataDirectory, StoreSettings.defaults())) {
            Database database = store.database();
            database.write(context -> context.statement("CREATE TABLE scratch (id INTEGER PRIMARY KEY)").execute());
            Set<Integer> committedActions = ConcurrentHashMap.newKeySet();
            int writes = 400;
            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < writes; i++) {
                int id = i;
                results.add(pool.submit(() -> database.write(context -> {
                    PreparedStatement insert = context.statement("INSERT INTO scratch (id) VALUES (?)");
                    insert.setInt(1, id);
                    insert.executeUpdate();
                    context.afterCommit(() -> committedActions.add(id));
                    if (id % 3 == 0) {
                        throw new IllegalStateException("write " + id + " fails after inserting");
                    }
                    return id;
                })));
            }
            for (int i = 0; i < writes; i++) {
                int id = i;
                if (id % 3 == 0) {
                    assertThatThrownBy(() -> results.get(id).get(30, TimeUnit.SECONDS))
                            .hasCauseInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("write " + id + " fails");
                } else {
                    assertThat(results.get(id).get(30, TimeUnit.SECONDS)).isEqualTo(id);
                }
            }
            pool.shutdown();

            Set<Integer> stored = database.read(connection -> {
                Set<Integer> ids = new java.util.TreeSet<>();
                try (PreparedStatement select = connection.prepareStatement("SELECT id FROM scratch");
                     ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        ids.add(rows.getInt(1));
                    }
                }
                return ids;
            });
            Set<Integer> expected = new java.util.TreeSet<>();
            for (int i = 0; i < writes; i++) {
                if (i % 3 != 0) {
                    expected.add(i);
                }
            }
            assertThat(stored).isEqualTo(expected);
            assertThat(new java.util.TreeSet<>(committedActions)).isEqualTo(expected);
        }
    }

    @Test
    void stoppingFinishesQueuedWritesAndRefusesNewOnes() throws Exception {
        Store store = Store.open(dataDirectory, StoreSettings.defaults());
        SqliteMetaStore meta = store.metaStore();
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        List<Future<?>> results = new ArrayList<>();
        CountDownLatch started = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            int thread = t;
            results.add(pool.submit(() -> {
                started.countDown();
                for (int i = 0; ; i++) {
                    String name = "t" + thread + "-" + i;
                    try {
                        meta.put(configMap("edge", name, "x"), "local");
                    } catch (StoreException e) {
                        assertThat(e).hasMessage("store is stopping");
                        return null;
                    }
                    acknowledged.add(name);
                }
            }));
        }
        started.await();
        Thread.sleep(300);
        store.close();
        for (Future<?> result : results) {
            result.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();

        try (Store reopened = Store.open(dataDirectory, StoreSettings.defaults())) {
            assertThat(acknowledged).isNotEmpty();
            for (String name : acknowledged) {
                assertThat(reopened.metaStore().get(ObjectKey.of("ConfigMap", "edge", name))).isPresent();
            }
            assertThat(reopened.metaStore().resourceVersion()).isGreaterThanOrEqualTo(acknowledged.size());
        }
    }
}
