package io.karedge.mesh.proxy.internal;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps what the node publishes for its tunnel ({@link TunnelAnnotations}) in step with the listener and, for a
 * listener on the wildcard, with the host's addresses: {@link #refresh} (called periodically) publishes anew only
 * when they changed.
 */
final class TunnelPublication implements Consumer<InetSocketAddress> {

    private static final Logger LOG = LoggerFactory.getLogger(TunnelPublication.class);

    private final Consumer<TunnelAnnotations> publish;
    private final Supplier<List<String>> hostAddresses;
    private InetSocketAddress listening;
    private TunnelAnnotations published;

    /**
     * @param publish       told what to publish, and {@code null} when nothing is to be published any more
     * @param hostAddresses this host's dialable addresses now
     */
    TunnelPublication(Consumer<TunnelAnnotations> publish, Supplier<List<String>> hostAddresses) {
        this.publish = publish;
        this.hostAddresses = hostAddresses;
    }

    /** @param address the address the listener is bound to, or {@code null} once it stopped (withdraws it) */
    @Override
    public synchronized void accept(InetSocketAddress address) {
        listening = address;
        if (address == null) {
            if (published != null) {
                published = null;
                publish.accept(null);
            }
            return;
        }
        published = annotations(address);
        publish.accept(published);
    }

    /** Publishes again if the host's addresses changed under a listener on the wildcard. */
    synchronized void refresh() {
        if (listening == null || !TunnelAnnotations.wildcard(listening)) {
            return;
        }
        TunnelAnnotations now = annotations(listening);
        if (!Objects.equals(now, published)) {
            LOG.info("Tunnel addresses of this node changed: {}",
                    now.annotations().getOrDefault(TunnelSettings.ADDRESSES_ANNOTATION, "(none)"));
            published = now;
            publish.accept(now);
        }
    }

    synchronized TunnelAnnotations published() {
        return published;
    }

    private TunnelAnnotations annotations(InetSocketAddress address) {
        return TunnelAnnotations.of(address, TunnelAnnotations.wildcard(address) ? hostAddresses.get() : List.of());
    }
}
