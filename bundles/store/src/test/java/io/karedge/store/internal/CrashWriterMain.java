package io.karedge.store.internal;

import io.karedge.api.meta.StoredObject;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The child process of {@link CrashTest}: opens the store in the directory given as first argument and
 * writes {@code count} ConfigMaps from {@code threads} threads. Each put is reported on stdout as
 * {@code <name> <resourceVersion>} only after it returned. Then it waits to be killed.
 */
public final class CrashWriterMain {

    static final String READY = "READY";
    static final String DONE = "DONE";

    private CrashWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDirectory = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        PrintStream out = System.out;
        Store store = Store.open(dataDirectory, StoreSettings.defaults());
        SqliteMetaStore meta = store.metaStore();
        String padding = "x".repeat(200);
        report(out, READY);

        AtomicInteger next = new AtomicInteger();
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread writer = new Thread(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    String name = "obj-" + i;
                    StoredObject stored = meta.put(TestObjects.configMap("crash", name, i + padding), "crash-test");
                    report(out, name + " " + stored.resourceVersion());
                }
            }, "crash-writer-" + t);
            writers.add(writer);
            writer.start();
        }
        for (Thread writer : writers) {
            writer.join();
        }
        report(out, DONE);
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void report(PrintStream out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
