package io.karedge.api.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KindsTest {

    @Test
    void resolvesWhatKubectlUsersType() {
        assertThat(Kinds.resolve("po")).map(Kinds.KindInfo::kind).contains("Pod");
        assertThat(Kinds.resolve("Pods")).map(Kinds.KindInfo::kind).contains("Pod");
        assertThat(Kinds.resolve("devices.devices.kubeedge.io")).map(Kinds.KindInfo::kind).contains("Device");
        assertThat(Kinds.resolve("dm")).map(Kinds.KindInfo::kind).contains("DeviceModel");
        assertThat(Kinds.resolve("svc")).map(Kinds.KindInfo::kind).contains("Service");
        assertThat(Kinds.resolve("gadgets")).isEmpty();
        assertThat(Kinds.resolve(" ")).isEmpty();
    }

    @Test
    void nodesAreClusterScoped() {
        assertThat(Kinds.isNamespaced("Node")).isFalse();
        assertThat(Kinds.isNamespaced("DestinationRule")).isTrue();
    }

    @Test
    void keysRejectBlankNames() {
        assertThatThrownBy(() -> ObjectKey.of("Pod", "default", " ")).isInstanceOf(IllegalArgumentException.class);
        assertThat(ObjectKey.of("Node", null, "gw").toString()).isEqualTo("Node/gw");
    }
}
