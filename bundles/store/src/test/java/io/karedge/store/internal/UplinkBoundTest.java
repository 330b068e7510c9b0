package io.karedge.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import io.karedge.api.meta.StoreException;
import io.karedge.api.uplink.UplinkEntry;
import io.karedge.api.uplink.UplinkMessage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Uploads without a coalesce key cannot fill the disk while no cloud takes them: they are bounded. */
class UplinkBoundTest {

    @TempDir
    Path dataDirectory;

    private static UplinkMessage upload(String text) {
        return new UplinkMessage("bus", "user", "upload", "$hw/events/upload/x", TextNode.valueOf(text), null);
    }

    private static UplinkMessage keyed(String key, String text) {
        return new UplinkMessage("twin", "twin", "update", "default/d", TextNode.valueOf(text), key);
    }

    @Test
    void entriesPastTheEntryBoundAreRefusedAndAcceptedAgainOnceAcknowledged() {
        try (Store store = Store.open(dataDirectory, StoreSettings.defaults().withUplinkBounds(5, 1_000_000))) {
            SqliteUplink uplink = store.uplink();
            for (int i = 0; i < 5; i++) {
                uplink.enqueue(upload("m" + i));
            }
            assertThatThrownBy(() -> uplink.enqueue(upload("one too many")))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("the Uplink is full")
                    .hasMessageContaining("uplink.max.entries 5");
            assertThat(uplink.depth()).isEqualTo(5);
            assertThat(uplink.refused()).isEqualTo(1);
            // coalesced entries replace each other, so they are never refused
            uplink.enqueue(keyed("twin/d/p", "a"));
            uplink.enqueue(keyed("twin/d/p", "b"));

            UplinkEntry oldest = uplink.pending(0, 1).get(0);
            uplink.acknowledge(oldest.sequence());
            uplink.enqueue(upload("fits again"));
            assertThat(uplink.unkeyed()[0]).isEqualTo(5);
            assertThat(uplink.refused()).as("refused enqueues, counted once each").isEqualTo(1);
        }
    }

    @Test
    void theByteBoundCountsContentAndSurvivesARestart() {
        StoreSettings settings = StoreSettings.defaults().withUplinkBounds(1_000, 1_000);
        try (Store store = Store.open(dataDirectory, settings)) {
            store.uplink().enqueue(upload("x".repeat(600)));
            assertThatThrownBy(() -> store.uplink().enqueue(upload("y".repeat(600))))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("uplink.max.bytes 1000");
        }
        try (Store store = Store.open(dataDirectory, settings)) {
            assertThat(store.uplink().unkeyed()).containsExactly(1, 602);
            assertThatThrownBy(() -> store.uplink().enqueue(upload("y".repeat(600))))
                    .isInstanceOf(StoreException.class);
            store.uplink().enqueue(upload("small"));
        }
    }

    @Test
    void theReportsOfADeviceThatLeftAreRemovedWithItsTwins() {
        try (Store store = Store.open(dataDirectory, StoreSettings.defaults())) {
            SqliteUplink uplink = store.uplink();
            uplink.enqueue(keyed("twin/default/plc-01/setpoint", "a"));
            uplink.enqueue(keyed("twin/default/plc-01/temperature", "b"));
            uplink.enqueue(keyed("state/default/plc-01", "online"));
            uplink.enqueue(keyed("twin/default/plc-010/setpoint", "a neighbour with a longer name"));
            uplink.enqueue(keyed("state/default/plc-02", "online"));
            uplink.enqueue(upload("an upload of a local app"));

            store.twinStore().deleteDevice("default/plc-01");

            assertThat(uplink.depth()).isEqualTo(3);
            assertThat(uplink.pending(0, 10)).extracting(entry -> entry.message().coalesceKey())
                    .containsExactly("twin/default/plc-010/setpoint", "state/default/plc-02", null);
        }
    }
}
