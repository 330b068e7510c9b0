package io.karedge.dmi;

import java.time.Instant;
import java.util.Objects;

/**
 * One registered mapper.
 *
 * @param name         the mapper's name ({@code MapperInfo.name})
 * @param protocol     the protocol it serves; devices and models are routed by it
 * @param address      the path of the mapper's own unix socket
 * @param version      informational, as the mapper sent it
 * @param apiVersion   informational, as the mapper sent it
 * @param state        reachability, see {@link MapperState}
 * @param registeredAt when the mapper last called {@code MapperRegister}
 * @param lastError    the last push or dial failure, or {@code null}
 * @param pending      pushes waiting to be delivered
 * @param devices      devices of this node given to the mapper (since 1.1)
 * @param lastReport   when the mapper last reported a twin or a state, or {@code null} (since 1.1)
 */
public record MapperStatus(String name, String protocol, String address, String version, String apiVersion,
                           MapperState state, Instant registeredAt, String lastError, int pending, int devices,
                           Instant lastReport) {

    /** A status without device count or report time (1.0). */
    public MapperStatus(String name, String protocol, String address, String version, String apiVersion,
                        MapperState state, Instant registeredAt, String lastError, int pending) {
        this(name, protocol, address, version, apiVersion, state, registeredAt, lastError, pending, 0, null);
    }

    public MapperStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(registeredAt, "registeredAt");
    }

    /** @return whether this mapper currently claims the devices of its protocol */
    public boolean claims() {
        return state.claims();
    }
}
