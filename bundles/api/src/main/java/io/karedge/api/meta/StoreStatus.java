package io.karedge.api.meta;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Figures of the node's store (the one database behind the MetaStore, the TwinStore and the Uplink),
 * registered by the store while it is open. Every call is cheap and never touches the database.
 *
 * @since 1.2
 */
@ProviderType
public interface StoreStatus {

    /** @return the store's transactions since it opened: how many, how many failed, how long they took */
    StoreCommitStatistics commits();
}
