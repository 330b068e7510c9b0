package io.karedge.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import io.karedge.api.twin.TwinStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The database holds Secrets: its directory is 0700 and its files 0600, also when they were wider before. */
class StoreFilesTest {

    @TempDir
    Path directory;

    @Test
    void aNewStoreIsReadableByItsOwnerOnly() throws Exception {
        Path data = directory.resolve("data/karedge");
        try (Store store = Store.open(data, StoreSettings.defaults())) {
            store.twinStore().put("default/d", "p", TextNode.valueOf("v"), TwinStore.ANY_VERSION);
            assertThat(mode(data)).isEqualTo("rwx------");
            assertThat(mode(data.resolve("karedge.db"))).isEqualTo("rw-------");
            assertThat(mode(data.resolve("karedge.db-wal"))).isEqualTo("rw-------");
            assertThat(mode(data.resolve("karedge.db-shm"))).isEqualTo("rw-------");
        }
    }

    @Test
    void widerModesOfExistingFilesAreNarrowedWhenTheStoreOpens() throws Exception {
        Path data = directory.resolve("karedge");
        try (Store first = Store.open(data, StoreSettings.defaults())) {
            first.twinStore().put("default/d", "p", TextNode.valueOf("v"), TwinStore.ANY_VERSION);
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
            for (String name : new String[] {"karedge.db", "karedge.db-wal", "karedge.db-shm"}) {
                Files.setPosixFilePermissions(data.resolve(name), PosixFilePermissions.fromString("rw-r--r--"));
            }
            try (Store second = Store.open(data, StoreSettings.defaults())) {
                assertThat(second.twinStore().get("default/d", "p")).isPresent();
                assertThat(mode(data)).isEqualTo("rwx------");
                assertThat(mode(data.resolve("karedge.db"))).isEqualTo("rw-------");
                assertThat(mode(data.resolve("karedge.db-wal"))).isEqualTo("rw-------");
                assertThat(mode(data.resolve("karedge.db-shm"))).isEqualTo("rw-------");
            }
        }
    }

    private static String mode(Path path) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
