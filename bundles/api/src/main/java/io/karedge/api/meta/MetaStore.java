package io.karedge.api.meta;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The node's durable copy of the Kubernetes objects it works from (the edge's "API server").
 *
 * <p><b>Versions.</b> Every change that alters stored content takes the next value of one store-wide
 * counter, the resourceVersion. A put that stores content equal to what is already stored changes
 * nothing and returns the existing state.
 *
 * <p><b>Durability.</b> When a write method returns, the change is on disk and visible to readers; its
 * watch events are queued for every open watch. Writes from many threads are committed together
 * (group commit); each caller is released when its batch commits.
 *
 * <p><b>Watch.</b> {@link #watch(Selector, long, WatchListener)} delivers every change with a version
 * greater than the given one, first the retained history, then live changes, with no gap and no
 * duplicate. Combine it with {@link #list(Selector)} for list-then-watch.
 *
 * <p>Kinds are canonical Kubernetes kind names ({@code Pod}, {@code ConfigMap}, {@code Device}); see
 * {@link Kinds} to turn user input such as {@code pods} or {@code svc} into one.
 */
@ProviderType
public interface MetaStore {

    /**
     * Stores an object (create or replace). Kind comes from {@code kind}, namespace and name from
     * {@code metadata}; a namespaced kind without a namespace goes to {@code default}.
     *
     * @param object the object; the store keeps its own copy
     * @param source who writes it ({@code cloud}, {@code manifest:<path>}, {@code local})
     * @return the stored state with its resourceVersion
     * @throws InvalidObjectException if kind or name is missing or malformed
     * @throws StoreException         if the write could not be made durable
     */
    StoredObject put(ObjectNode object, String source);

    Optional<StoredObject> get(ObjectKey key);

    /** @return matching objects in key order, and the version they were read at */
    ListResult list(Selector selector);

    /**
     * Deletes an object.
     *
     * @return the last state with the version of the deletion, or empty if there was nothing to delete
     */
    Optional<StoredObject> delete(ObjectKey key);

    /** @return the version of the latest change */
    long resourceVersion();

    /** @return the oldest version a watch can start from */
    long oldestWatchableVersion();

    /**
     * Opens a watch for changes with a version greater than {@code fromVersion}.
     *
     * @param fromVersion a version from {@link #list(Selector)} or an earlier event; a negative value
     *                    means "from now on"
     * @throws ResourceVersionTooOldException if changes after {@code fromVersion} are no longer kept
     */
    Watch watch(Selector selector, long fromVersion, WatchListener listener)
            throws ResourceVersionTooOldException;

    /** @return the number of stored objects of each kind */
    java.util.Map<String, Long> countByKind();
}
