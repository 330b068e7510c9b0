package io.karedge.cloud.bridge.internal;

import io.karedge.api.progress.ProgressTask;
import io.karedge.api.progress.ProgressTracker;
import io.karedge.api.progress.TaskProgress;
import io.karedge.node.internal.ProgressTrackerComponent;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The node's real progress tracker, recording every phase a task reports ({@code kind: phase}). */
final class RecordingTracker implements ProgressTracker {

    final ProgressTrackerComponent tracker = new ProgressTrackerComponent(Clock.systemUTC());
    final List<String> phases = new CopyOnWriteArrayList<>();

    @Override
    public ProgressTask start(String kind, String title, long total, String unit) {
        ProgressTask task = tracker.start(kind, title, total, unit);
        return new ProgressTask() {
            @Override
            public String id() {
                return task.id();
            }

            @Override
            public void phase(String text) {
                if (!task.ended()) {
                    phases.add(kind + ": " + text);
                }
                task.phase(text);
            }

            @Override
            public void total(long units) {
                task.total(units);
            }

            @Override
            public void done(long units) {
                task.done(units);
            }

            @Override
            public void advance(long units) {
                task.advance(units);
            }

            @Override
            public void succeeded(String result) {
                task.succeeded(result);
            }

            @Override
            public void failed(String reason) {
                task.failed(reason);
            }

            @Override
            public boolean ended() {
                return task.ended();
            }
        };
    }

    @Override
    public List<TaskProgress> tasks() {
        return tracker.tasks();
    }

    List<TaskProgress> ofKind(String kind) {
        return tasks().stream().filter(t -> t.kind().equals(kind)).toList();
    }
}
