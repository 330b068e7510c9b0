package io.karedge.api.meta;

import org.osgi.annotation.versioning.ProviderType;

/** An open watch. Closing it is idempotent; no event is delivered after {@code close()} returns. */
@ProviderType
public interface Watch extends AutoCloseable {

    /** @return the resourceVersion of the last event handed to the listener */
    long lastDeliveredVersion();

    boolean isOpen();

    @Override
    void close();
}
