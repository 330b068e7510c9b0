package io.karedge.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.karedge.dmi.MapperState;
import io.karedge.dmi.MapperStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MappersCommandTest {

    @Test
    void listsEachMapperWithItsStateDevicesAndLastReport() {
        Instant now = Instant.parse("2026-12-06T12:00:00Z");
        String table = MappersCommand.table(List.of(new MapperStatus("random-mapper", "random", "/run/random.sock",
                "v1.22.2", "v1.0.0", MapperState.REACHABLE, now.minusSeconds(600), null, 0, 3, now.minusSeconds(2))),
                now);

        assertThat(table.lines().findFirst().orElseThrow()).contains("NAME", "VERSION", "PROTOCOL", "SOCKET", "STATE",
                "DEVICES", "LAST REPORT");
        assertThat(table).contains("random-mapper", "v1.22.2", "random", "/run/random.sock", "reachable", "3",
                "2s ago");
        assertThat(MappersCommand.table(List.of(), now)).isEqualTo("No mapper registered.\n");
    }
}
