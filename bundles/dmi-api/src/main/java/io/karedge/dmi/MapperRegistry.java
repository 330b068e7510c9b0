package io.karedge.dmi;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The out-of-process KubeEdge mappers registered with this node over DMI, one per protocol.
 *
 * <p><b>Who serves a protocol.</b> An in-process protocol driver and an external mapper may name the
 * same protocol. The rule: while a mapper for a protocol is registered and not
 * {@link MapperState#UNREACHABLE}, the mapper <em>claims</em> the devices of that protocol and the
 * in-process driver should leave them alone; when the mapper becomes unreachable, the claim lapses and
 * comes back with the mapper's next answered call or registration. The DMI side keeps pushing devices
 * to the mapper (with back-off) whatever the state.
 *
 * <p>The service carries the property {@value #CLAIMED_PROTOCOLS} (a {@code String[]}, possibly empty)
 * with the protocols claimed at the moment; it is updated whenever a claim starts or lapses, so a
 * consumer can track it with a service listener or a dynamic reference instead of polling.
 */
@ProviderType
public interface MapperRegistry {

    /** Service property: the protocols currently claimed by reachable mappers ({@code String[]}). */
    String CLAIMED_PROTOCOLS = "karedge.dmi.claimed.protocols";

    /** @return every registered mapper, ordered by protocol */
    List<MapperStatus> mappers();

    /** @return the mapper registered for a protocol (exact, case-sensitive), if any */
    Optional<MapperStatus> mapper(String protocol);

    /** @return whether a registered, not unreachable mapper claims the devices of the protocol */
    default boolean claims(String protocol) {
        return mapper(protocol).map(MapperStatus::claims).orElse(false);
    }
}
