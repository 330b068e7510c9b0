package io.karedge.cloud.bridge.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids of the last messages applied, to recognise CloudHub's resends (same {@code msg_id}). It lives in
 * memory: after a restart, a resent object is still recognised by its resourceVersion, which the
 * MetaStore keeps, and deletes are idempotent, so a lost id set costs one harmless re-check.
 */
final class RecentIds {

    private final Map<String, Boolean> ids;

    RecentIds(int capacity) {
        this.ids = new LinkedHashMap<>(capacity * 2, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized boolean contains(String id) {
        return ids.containsKey(id);
    }

    synchronized void add(String id) {
        ids.put(id, Boolean.TRUE);
    }
}
