package io.karedge.boot.podsfirst;

import io.karedge.boot.podsfirst.plan.RestorePlan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Request messages built field by field, and the responses read back. */
class ProtoTest {

    @Test
    void varintsAndStrings() {
        byte[] bytes = new Proto.Writer().varint(1, 150).string(2, "testing").toByteArray();
        assertThat(HexFormat.of().formatHex(bytes)).isEqualTo("089601" + "120774657374696e67");
    }

    @Test
    void criRequestsHaveTheFieldsOfTheApi() throws Exception {
        byte[] config = {0x0a, 0x01, 0x41};
        byte[] run = CriCalls.runPodSandboxRequest(config, "runc");
        assertThat(HexFormat.of().formatHex(run)).isEqualTo("0a030a0141" + "120472756e63");
        assertThat(CriCalls.runPodSandboxRequest(config, "")).containsExactly(0x0a, 0x03, 0x0a, 0x01, 0x41);

        byte[] create = CriCalls.createContainerRequest("sb", new byte[] {1}, new byte[] {2, 3});
        assertThat(HexFormat.of().formatHex(create)).isEqualTo("0a027362" + "120101" + "1a020203");
        assertThat(HexFormat.of().formatHex(CriCalls.idRequest("c1"))).isEqualTo("0a026331");

        // filter (1) { label_selector (3) { key (1), value (2) } }
        byte[] list = CriCalls.listPodSandboxRequest("u");
        Proto.Reader request = new Proto.Reader(list);
        assertThat(request.next()).isTrue();
        assertThat(request.field()).isEqualTo(1);
        Proto.Reader filter = new Proto.Reader(request.bytes());
        assertThat(filter.next()).isTrue();
        assertThat(filter.field()).isEqualTo(3);
        Proto.Reader entry = new Proto.Reader(filter.bytes());
        entry.next();
        assertThat(entry.string()).isEqualTo("io.kubernetes.pod.uid");
        entry.next();
        assertThat(entry.field()).isEqualTo(2);
        assertThat(entry.string()).isEqualTo("u");
    }

    @Test
    void sandboxesAreReadWithTheirStateAndAttempt() throws Exception {
        byte[] metadata = new Proto.Writer().string(1, "web").string(2, "uid-1").string(3, "ns").varint(4, 3)
                .toByteArray();
        byte[] ready = new Proto.Writer().string(1, "aaa").bytes(2, metadata).varint(4, 12345)
                .mapEntry(5, "k", "v").toByteArray();
        byte[] notReady = new Proto.Writer().string(1, "bbb").varint(3, 1).toByteArray();
        byte[] response = new Proto.Writer().bytes(1, ready).bytes(1, notReady).toByteArray();
        assertThat(CriCalls.sandboxes(response)).containsExactly(new CriCalls.Sandbox("aaa", 3, true),
                new CriCalls.Sandbox("bbb", 0, false));
        assertThat(CriCalls.sandboxes(new byte[0])).isEmpty();
        assertThat(Proto.firstString(new Proto.Writer().varint(2, 7).string(1, "id").toByteArray(), 1))
                .isEqualTo("id");
    }

    @Test
    void truncatedMessagesAreRefused() {
        assertThatThrownBy(() -> CriCalls.sandboxes(new byte[] {0x0a, 0x05, 0x01})).hasMessageContaining("beyond");
        assertThatThrownBy(() -> new Proto.Reader(new byte[] {0x08, (byte) 0x80}).next())
                .hasMessageContaining("cut short");
    }

    @Test
    void planRoundTrips(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        RestorePlan plan = new RestorePlan("u1", "ns", "web", "/run/cri.sock", "", "/logs/ns_web_u1", 2,
                new byte[] {1, 2}, List.of(new RestorePlan.Container("c", "busybox", "Never", 4, new byte[] {9})));
        java.nio.file.Path file = dir.resolve("u1.plan");
        java.nio.file.Files.write(file, plan.toBytes());
        RestorePlan read = RestorePlan.read(file);
        assertThat(read.pod()).isEqualTo("ns/web");
        assertThat(read.sandboxConfig()).containsExactly(1, 2);
        assertThat(read.containers()).singleElement().satisfies(c -> {
            assertThat(c.attempt()).isEqualTo(4);
            assertThat(c.config()).containsExactly(9);
        });
        java.nio.file.Files.write(file, java.util.Arrays.copyOf(plan.toBytes(), 20));
        assertThatThrownBy(() -> RestorePlan.read(file)).hasMessageContaining("cut short");
    }
}
