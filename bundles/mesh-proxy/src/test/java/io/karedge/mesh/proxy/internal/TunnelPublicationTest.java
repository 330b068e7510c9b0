package io.karedge.mesh.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TunnelPublicationTest {

    private final List<TunnelAnnotations> published = new ArrayList<>();
    private final AtomicReference<List<String>> host = new AtomicReference<>(List.of("192.0.2.10"));
    private final TunnelPublication publication = new TunnelPublication(published::add, host::get);

    @Test
    void aListenerOnTheWildcardIsPublishedAgainOnlyWhenTheHostsAddressesChange() {
        publication.accept(new InetSocketAddress("0.0.0.0", 20006));
        assertThat(published).hasSize(1);
        assertThat(published.get(0).annotations()).containsEntry(TunnelSettings.ADDRESSES_ANNOTATION, "192.0.2.10");

        publication.refresh();
        publication.refresh();
        assertThat(published).as("nothing changed").hasSize(1);

        host.set(List.of("192.0.2.10", "198.51.100.2"));
        publication.refresh();
        assertThat(published).hasSize(2);
        assertThat(published.get(1).annotations())
                .containsEntry(TunnelSettings.ADDRESSES_ANNOTATION, "192.0.2.10,198.51.100.2")
                .containsEntry(TunnelSettings.PORT_ANNOTATION, "20006");
        publication.refresh();
        assertThat(published).hasSize(2);

        host.set(List.of());
        publication.refresh();
        assertThat(published.get(2).annotations()).as("no address left: the port only")
                .containsOnlyKeys(TunnelSettings.PORT_ANNOTATION);

        publication.accept(null);
        assertThat(published).hasSize(4);
        assertThat(published.get(3)).as("withdrawn").isNull();
        host.set(List.of("192.0.2.11"));
        publication.refresh();
        assertThat(published).as("nothing is published for a tunnel that stopped").hasSize(4);
    }

    @Test
    void aListenerOnOneAddressDoesNotFollowTheHostsAddresses() {
        publication.accept(new InetSocketAddress("192.0.2.10", 20006));
        host.set(List.of("198.51.100.2"));
        publication.refresh();

        assertThat(published).hasSize(1);
        assertThat(published.get(0).annotations()).containsOnlyKeys(TunnelSettings.PORT_ANNOTATION,
                TunnelSettings.ADDRESS_ANNOTATION);
    }
}
