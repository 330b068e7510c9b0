package io.karedge.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import io.karedge.api.meta.StoreException;
import io.karedge.api.twin.TwinStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store on a small tmpfs that runs full: writes fail with a clear error, and work again by themselves
 * once space is freed, without a restart; a store opened on a full disk reads, refuses writes, and
 * recovers the same way. Needs root (to mount); skipped otherwise.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DiskFullTest {

    private static final int TMPFS_KIB = 1536;

    @TempDir
    Path scratch;

    private Path mountPoint;
    private boolean mounted;
    private Store store;

    @BeforeEach
    void mountTmpfs() throws Exception {
        mountPoint = scratch.resolve("small-disk");
        Files.createDirectories(mountPoint);
        int exit;
        try {
            Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + TMPFS_KIB + "k", "tmpfs",
                    mountPoint.toString()).redirectErrorStream(true).start();
            mount.getInputStream().readAllBytes();
            exit = mount.waitFor(20, TimeUnit.SECONDS) ? mount.exitValue() : -1;
        } catch (IOException e) {
            exit = -1;
        }
        assumeTrue(exit == 0, "mounting a tmpfs is not permitted here");
        mounted = true;
    }

    @AfterEach
    void unmount() throws Exception {
        if (store != null) {
            store.close();
        }
        if (mounted) {
            Process umount = new ProcessBuilder("umount", "-l", mountPoint.toString()).redirectErrorStream(true).start();
            umount.getInputStream().readAllBytes();
            umount.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void aFullDiskFailsWritesClearlyAndTheStoreRecoversOnceSpaceIsFreed() throws Exception {
        Path data = mountPoint.resolve("karedge");
        store = Store.open(data, StoreSettings.defaults());
        TwinStore twins = store.twinStore();
        twins.put("default/before", "p", TextNode.valueOf("kept"), TwinStore.ANY_VERSION);

        Path filler = fillTheDisk();
        int failures = 0;
        for (int i = 0; i < 50; i++) {
            try {
                twins.put("default/while-full", "p" + i, TextNode.valueOf("x".repeat(4096)), TwinStore.ANY_VERSION);
            } catch (StoreException e) {
                failures++;
                assertThat(e.getMessage()).containsIgnoringCase("full");
            }
        }
        assertThat(failures).as("writes on a full disk fail").isGreaterThan(0);
        assertThat(store.database().commitStatistics().failures()).as("transactions that could not commit")
                .isGreaterThan(0);
        assertThat(twins.get("default/before", "p")).isPresent();

        Files.delete(filler);
        long freed = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(() -> {
            twins.put("default/after", "p", TextNode.valueOf("stored"), TwinStore.ANY_VERSION);
            return true;
        });
        long recoveredMillis = (System.nanoTime() - freed) / 1_000_000;
        System.out.println("DiskFullTest: the first write after space returned succeeded after " + recoveredMillis
                + " ms");
        // every kind of write works again, not only the first
        for (int i = 0; i < 20; i++) {
            twins.put("default/after", "q" + i, TextNode.valueOf("v" + i), TwinStore.ANY_VERSION);
        }
        store.metaStore().put(TestObjects.configMap("default", "after", "v"), "test");
        assertThat(twins.get("default/after")).hasSize(21);
        assertThat(store.database().integrityCheck()).isEqualTo("ok");
    }

    @Test
    void aStoreOpenedOnAFullDiskReadsRefusesWritesAndRecovers() throws Exception {
        Path data = mountPoint.resolve("karedge");
        store = Store.open(data, StoreSettings.defaults());
        store.twinStore().put("default/before", "p", TextNode.valueOf("kept"), TwinStore.ANY_VERSION);
        store.metaStore().put(TestObjects.configMap("default", "before", "v"), "test");
        store.close();
        store = null;

        Path filler = fillTheDisk();
        store = Store.open(data, StoreSettings.defaults());
        TwinStore twins = store.twinStore();
        assertThat(twins.get("default/before", "p")).isPresent();
        assertThat(store.metaStore().list(null).items()).hasSize(1);
        assertThatThrownBy(() -> twins.put("default/while-full", "p", TextNode.valueOf("x".repeat(8192)),
                TwinStore.ANY_VERSION))
                .isInstanceOf(StoreException.class)
                .satisfies(e -> assertThat(e.getMessage()).containsIgnoringCase("full"));

        Files.delete(filler);
        long freed = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(() -> {
            twins.put("default/after", "p", TextNode.valueOf("stored"), TwinStore.ANY_VERSION);
            return true;
        });
        System.out.println("DiskFullTest: opened on a full disk, first write after space returned succeeded after "
                + (System.nanoTime() - freed) / 1_000_000 + " ms");
        store.metaStore().put(TestObjects.configMap("default", "after", "v"), "test");
        assertThat(store.metaStore().list(null).items()).hasSize(2);
    }

    /** Writes a file until the tmpfs has no space left; returns it. */
    private Path fillTheDisk() throws IOException {
        Path filler = mountPoint.resolve("filler");
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(filler)) {
            for (int i = 0; i < TMPFS_KIB; i++) {
                out.write(block);
                out.flush();
            }
        } catch (IOException expected) {
            // no space left on device
        }
        return filler;
    }
}
