package io.karedge.dmi.internal;

import java.time.Instant;
import java.util.Objects;

/** A mapper as it registered: what is kept on disk across restarts. */
record MapperRecord(String name, String version, String apiVersion, String protocol, String address,
                    Instant registeredAt) {

    MapperRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(address, "address");
        version = version == null ? "" : version;
        apiVersion = apiVersion == null ? "" : apiVersion;
        registeredAt = registeredAt == null ? Instant.EPOCH : registeredAt;
    }
}
