package io.karedge.twin.internal;

import io.karedge.api.twin.TwinChange;
import io.karedge.api.twin.TwinListener;
import io.karedge.api.twin.TwinPublication;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every change it is told of. */
final class RecordingListener implements TwinListener {

    final List<TwinChange> changes = new CopyOnWriteArrayList<>();

    @Override
    public void twinChanged(TwinChange change) {
        changes.add(change);
    }

    List<TwinPublication> publications() {
        return changes.stream().flatMap(change -> change.publications().stream()).toList();
    }

    List<TwinPublication> publications(String topicSuffix) {
        return publications().stream().filter(publication -> publication.topic().endsWith(topicSuffix)).toList();
    }
}
