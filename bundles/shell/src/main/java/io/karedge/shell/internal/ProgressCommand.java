package io.karedge.shell.internal;

import io.karedge.api.progress.ProgressTracker;
import io.karedge.api.progress.TaskProgress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

/** {@code edge:progress}: long work under way (feature deployments, joins, driver swaps, Uplink drains). */
@Service
@Command(scope = "edge", name = "progress", description = "Show long work under way: feature deployments, joins,"
        + " driver swaps, the Uplink draining; -w follows it until Ctrl-C or all of it ended.")
public class ProgressCommand implements Action {

    static final long WATCH_MILLIS = 1000;
    /** Clears the terminal and puts the cursor home, between two frames of {@code --watch}. */
    static final String CLEAR = "\u001b[H\u001b[2J";

    @Reference(optional = true)
    ProgressTracker tracker;

    @Option(name = "-a", aliases = "--all", description = "Also the recently finished tasks (the last 20)")
    boolean all;

    @Option(name = "-w", aliases = "--watch", description = "Redraw every second until Ctrl-C or all tasks ended")
    boolean watch;

    @Override
    public Object execute() throws Exception {
        if (tracker == null) {
            throw new CommandException("the progress tracker is not running (bundle io.karedge.node)");
        }
        Consumer<String> out = text -> {
            System.out.print(text);
            System.out.flush();
        };
        if (!watch) {
            out.accept(ProgressFormatter.tasks(select(tracker.tasks(), all, Set.of()), all));
            return null;
        }
        try {
            watch(tracker::tasks, all, out, () -> !Thread.currentThread().isInterrupted(), WATCH_MILLIS);
        } catch (InterruptedException e) {
            // Ctrl-C
            Thread.currentThread().interrupt();
        }
        return null;
    }

    /**
     * Draws the tasks every {@code pollMillis} until none runs (after one last frame) or {@code keepGoing}
     * fails. Without {@code all}, a frame shows the running tasks and those that were running when the watch
     * began or started since, so their outcome stays on the screen.
     *
     * @return the number of frames drawn
     */
    static int watch(Supplier<List<TaskProgress>> tasks, boolean all, Consumer<String> out, BooleanSupplier keepGoing,
                     long pollMillis) throws InterruptedException {
        Set<String> followed = new HashSet<>();
        int frames = 0;
        while (true) {
            List<TaskProgress> now = tasks.get();
            now.stream().filter(TaskProgress::running).map(TaskProgress::id).forEach(followed::add);
            out.accept((frames == 0 ? "" : CLEAR) + ProgressFormatter.tasks(select(now, all, followed), all));
            frames++;
            if (now.stream().noneMatch(TaskProgress::running) || !keepGoing.getAsBoolean()) {
                return frames;
            }
            Thread.sleep(pollMillis);
            if (!keepGoing.getAsBoolean()) {
                return frames;
            }
        }
    }

    static List<TaskProgress> select(List<TaskProgress> tasks, boolean all, Set<String> followed) {
        return tasks.stream().filter(t -> all || t.running() || followed.contains(t.id())).toList();
    }
}
