package io.karedge.api.twin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Durable storage of device twins, one record per device property, each with its own version.
 * The twin engine gives the documents their KubeEdge meaning; the store only keeps them safely.
 *
 * <p>A write that returned is on disk. Versions only grow; a conditional write compares versions
 * atomically with the write.
 */
@ProviderType
public interface TwinStore {

    /** Means "write whatever the current version is" for {@link #put}. */
    long ANY_VERSION = -1;

    /** @return the property twins of a device by property name (empty if none) */
    Map<String, TwinRecord> get(String deviceId);

    Optional<TwinRecord> get(String deviceId, String property);

    /**
     * Writes the twin of one property.
     *
     * @param expectedVersion {@link #ANY_VERSION}, {@code 0} for "must not exist yet", or the version
     *                        the caller read
     * @return the stored record with its new version
     * @throws TwinVersionConflictException if {@code expectedVersion} does not match
     */
    TwinRecord put(String deviceId, String property, JsonNode twin, long expectedVersion)
            throws TwinVersionConflictException;

    /**
     * Writes several properties of one device in one transaction, unconditionally.
     *
     * @return the stored records by property name
     */
    Map<String, TwinRecord> putAll(String deviceId, Map<String, JsonNode> twins);

    /**
     * Writes several properties of one device and enqueues the Uplink messages the change causes, in one
     * transaction: when this returns, all of it is on disk; when it throws, nothing of it is stored. The
     * Uplink messages are coalesced as {@link io.karedge.api.uplink.Uplink#enqueue} does.
     *
     * @return the stored records by property name
     * @throws TwinVersionConflictException if a property's version differs from its expected version
     * @since 1.1
     */
    Map<String, TwinRecord> write(TwinWrite write) throws TwinVersionConflictException;

    boolean delete(String deviceId, String property);

    /** @return how many property twins were removed */
    int deleteDevice(String deviceId);

    /** @return ids of the devices that have at least one twin */
    Set<String> devices();

    long count();
}
