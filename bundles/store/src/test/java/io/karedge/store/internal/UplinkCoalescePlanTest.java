package io.karedge.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.karedge.api.uplink.UplinkEntry;
import io.karedge.api.uplink.UplinkMessage;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Coalescing is one indexed DELETE ... RETURNING, and keeps "the new entry goes to the end". */
class UplinkCoalescePlanTest {

    @TempDir
    Path dataDirectory;

    @Test
    void theCoalescingDeleteUsesThePartialIndex() {
        try (Store store = Store.open(dataDirectory, StoreSettings.defaults())) {
            String plan = store.database().read(connection -> {
                StringBuilder found = new StringBuilder();
                try (PreparedStatement explain = connection.prepareStatement(
                        "EXPLAIN QUERY PLAN " + SqliteUplink.DELETE_WAITING_WITH_KEY)) {
                    explain.setString(1, "twin/x");
                    try (ResultSet rows = explain.executeQuery()) {
                        while (rows.next()) {
                            found.append(rows.getString("detail")).append('\n');
                        }
                    }
                }
                return found.toString();
            });
            assertThat(plan).contains("uplink_by_coalesce_key");
        }
    }

    @Test
    void aCoalescedEntryGoesToTheEndWithTheCountsOfThoseItReplaced() {
        try (Store store = Store.open(dataDirectory, StoreSettings.defaults())) {
            SqliteUplink uplink = store.uplink();
            UplinkEntry first = uplink.enqueue(message("a", "k"));
            uplink.enqueue(message("other", null));
            UplinkEntry second = uplink.enqueue(message("b", "k"));
            UplinkEntry third = uplink.enqueue(message("c", "k"));

            assertThat(second.sequence()).isGreaterThan(first.sequence());
            assertThat(second.coalesced()).isEqualTo(1);
            assertThat(third.coalesced()).as("1 removed + the 1 it had replaced").isEqualTo(2);
            assertThat(uplink.depth()).isEqualTo(2);
            assertThat(uplink.pending(0, 10)).extracting(UplinkEntry::sequence)
                    .containsExactly(first.sequence() + 1, third.sequence());
            assertThat(uplink.pending(0, 10).get(1).message().content().asText()).isEqualTo("c");
        }
    }

    private static UplinkMessage message(String content, String key) {
        return new UplinkMessage("twin", "resource", "update", "device/ns/d/twin/edge_updated",
                TextNode.valueOf(content), key);
    }
}
