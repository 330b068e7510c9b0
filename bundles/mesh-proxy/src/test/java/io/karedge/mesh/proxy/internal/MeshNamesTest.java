package io.karedge.mesh.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.karedge.mesh.proxy.internal.MeshNames.Outcome;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class MeshNamesTest {

    static final InetAddress WEB = InetAddress.getLoopbackAddress();
    final MeshNames names = new MeshNames("cluster.local", "default",
            (ns, name) -> ("default".equals(ns) || "shop".equals(ns)) && "web".equals(name) ? WEB : null);

    @Test
    void readsEveryServiceForm() {
        assertThat(names.resolve("web.shop.svc.cluster.local.").outcome()).isEqualTo(Outcome.FOUND);
        assertThat(names.resolve("web.shop.svc").namespace()).isEqualTo("shop");
        assertThat(names.resolve("Web.Shop").address()).isEqualTo(WEB);
        assertThat(names.resolve("web").namespace()).isEqualTo("default");
    }

    @Test
    void unknownClusterNamesAreOursButOtherNamesAreNot() {
        assertThat(names.resolve("db.shop.svc.cluster.local").outcome()).isEqualTo(Outcome.NXDOMAIN);
        assertThat(names.resolve("pod.web.shop.svc.cluster.local").outcome()).isEqualTo(Outcome.NXDOMAIN);
        assertThat(names.resolve("cluster.local").outcome()).isEqualTo(Outcome.NXDOMAIN);
        assertThat(names.resolve("db.shop.svc").outcome()).isEqualTo(Outcome.NXDOMAIN);
        assertThat(names.resolve("www.example").outcome()).isEqualTo(Outcome.NOT_OURS);
        assertThat(names.resolve("db").outcome()).isEqualTo(Outcome.NOT_OURS);
        assertThat(names.resolve("www.example.org").outcome()).isEqualTo(Outcome.NOT_OURS);
    }
}
