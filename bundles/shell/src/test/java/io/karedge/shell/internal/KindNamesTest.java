package io.karedge.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.karedge.api.meta.Kinds;
import org.junit.jupiter.api.Test;

class KindNamesTest {

    @Test
    void resolvesKindsPluralsShortNamesAndGroupedPlurals() throws GetException {
        assertThat(KindNames.resolve("po").kind()).isEqualTo(Kinds.POD);
        assertThat(KindNames.resolve("svc").kind()).isEqualTo(Kinds.SERVICE);
        assertThat(KindNames.resolve("devices").kind()).isEqualTo(Kinds.DEVICE);
        assertThat(KindNames.resolve("DeviceModel").kind()).isEqualTo(Kinds.DEVICE_MODEL);
        assertThat(KindNames.resolve("devices.devices.kubeedge.io").kind()).isEqualTo(Kinds.DEVICE);
    }

    @Test
    void unknownKindListsTheKnownOnes() {
        assertThatThrownBy(() -> KindNames.resolve("widgets"))
                .isInstanceOf(GetException.class)
                .hasMessageStartingWith("error: the server doesn't have a resource type \"widgets\"")
                .hasMessageContaining("known kinds: pods (po), configmaps (cm), secrets, services (svc)")
                .hasMessageContaining("devices (dev), devicemodels (dm)");
    }

    @Test
    void aliasesOfferEveryNameOnce() {
        assertThat(KindNames.aliases())
                .contains("pods", "pod", "po", "svc", "devices", "device", "dev", "dm", "nodes", "no", "endpoints")
                .doesNotHaveDuplicates();
    }

    @Test
    void qualifiedPluralCarriesTheGroupOfNonCoreKinds() throws GetException {
        assertThat(KindNames.qualifiedPlural(KindNames.resolve("po"))).isEqualTo("pods");
        assertThat(KindNames.qualifiedPlural(KindNames.resolve("dev"))).isEqualTo("devices.devices.kubeedge.io");
    }
}
