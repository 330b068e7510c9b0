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
 */
public record MapperStatus(String name, String protocol, String address, String version, String apiVersion,
                           MapperState state, Instant registeredAt, String lastError, int pending) {

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
