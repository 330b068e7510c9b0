package io.karedge.api.meta;

import java.util.List;

/**
 * A consistent snapshot: the matching objects and the store version they were read at. Watching from
 * {@code resourceVersion} continues exactly where the snapshot ends.
 */
public record ListResult(long resourceVersion, List<StoredObject> items) {

    public ListResult {
        items = List.copyOf(items);
    }
}
