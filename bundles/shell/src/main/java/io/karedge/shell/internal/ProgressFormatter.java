package io.karedge.shell.internal;

import io.karedge.api.progress.TaskProgress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** Text for {@code edge:progress}: one row per task. */
final class ProgressFormatter {

    static final int MAX_TITLE = 40;
    static final int MAX_PHASE = 60;

    private ProgressFormatter() {
    }

    /** @return the table, or a line saying there is nothing to show */
    static String tasks(List<TaskProgress> tasks, boolean all) {
        if (tasks.isEmpty()) {
            return all ? "No long work running or recently finished.\n" : "No long work running.\n";
        }
        TextTable table = new TextTable(List.of("KIND", "TITLE", "PHASE", "DONE/TOTAL", "%", "RATE", "ETA/ELAPSED",
                "STATE"));
        for (TaskProgress task : tasks) {
            table.row(List.of(task.kind(), cut(task.title(), MAX_TITLE),
                    // an ended task shows its result or the reason it failed
                    cut(task.running() || task.message().isEmpty() ? task.phase() : task.message(), MAX_PHASE),
                    count(task), percent(task), rate(task), time(task), task.state().name()));
        }
        return table.render();
    }

    static String count(TaskProgress task) {
        String unit = task.unit().isEmpty() ? "" : " " + task.unit();
        if (task.total() > 0) {
            return task.done() + "/" + task.total() + unit;
        }
        return task.done() > 0 ? task.done() + unit : "-";
    }

    static String percent(TaskProgress task) {
        return task.percent() == null ? "-" : String.format(Locale.ROOT, "%.0f%%", Math.floor(task.percent()));
    }

    static String rate(TaskProgress task) {
        Double rate = task.ratePerSecond();
        if (rate == null) {
            return "-";
        }
        return String.format(Locale.ROOT, rate >= 100 ? "%.0f/s" : "%.1f/s", rate);
    }

    /** {@code eta 1m40s} while running with a known ETA, else the time so far or the time it took. */
    static String time(TaskProgress task) {
        if (task.running() && task.eta() != null) {
            return "eta " + duration(task.eta());
        }
        return duration(task.elapsed());
    }

    private static String duration(Duration duration) {
        return duration.toMillis() < 1000 ? duration.toMillis() + "ms" : HumanUnits.age(duration);
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
