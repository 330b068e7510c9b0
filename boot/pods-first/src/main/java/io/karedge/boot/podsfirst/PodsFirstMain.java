package io.karedge.boot.podsfirst;

import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The node's main class: starts the pods of the restore plan in a thread of its own, then runs Karaf's
 * launcher ({@code org.apache.karaf.main.Main}) with the same arguments, so the framework boots while the
 * pods start. Without {@code karaf.data}, or with {@code -Dkaredge.pods.first=off}, it only hands over.
 */
public final class PodsFirstMain {

    static final String KARAF_MAIN = "org.apache.karaf.main.Main";
    static final long CALL_TIMEOUT_MILLIS = 10_000;

    private PodsFirstMain() {
    }

    public static void main(String[] args) throws Exception {
        start();
        try {
            Class.forName(KARAF_MAIN).getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * Restores the pods of a plan directory now, as the launcher does at the start (for tests and tools).
     *
     * @return {@code namespace/name} of each pod of the plan to what came of it: {@code started}, or why not
     */
    public static Map<String, String> restore(Path planDirectory) {
        Map<String, String> outcomes = new TreeMap<>();
        new PodsFirstRestorer(planDirectory, Instant.now(), CALL_TIMEOUT_MILLIS, System.err).run()
                .forEach(o -> outcomes.put(o.pod(), o.started() ? "started" : o.detail()));
        return outcomes;
    }

    /** Starts the restorer thread, unless there is nothing to restore from. */
    static void start() {
        String data = System.getProperty("karaf.data");
        if (data == null || data.isBlank() || "off".equals(System.getProperty(PodsFirstRestorer.STATE_PROPERTY))) {
            return;
        }
        Path planDirectory = Path.of(data, "pods-first");
        Instant jvmStart = ProcessStart.instant();
        System.setProperty(PodsFirstRestorer.STATE_PROPERTY, "running");
        Thread thread = new Thread(() -> {
            try {
                new PodsFirstRestorer(planDirectory, jvmStart, CALL_TIMEOUT_MILLIS, System.err).run();
            } catch (RuntimeException | Error e) {
                System.err.println("karedge pods-first: the restore failed: " + e + "; the pod manager starts the pods");
            } finally {
                System.setProperty(PodsFirstRestorer.STATE_PROPERTY, "done");
            }
        }, "karedge-pods-first");
        thread.setDaemon(true);
        thread.start();
    }
}
