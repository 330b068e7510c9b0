package io.karedge.manifests.internal;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread of the manifest source. It scans once at start, then again after the directory
 * watcher reports changes (once they have been quiet for a moment) and in any case every rescan
 * interval, so a missed or unsupported watch event only delays a change.
 */
final class DirectoryScanner {

    static final String THREAD_NAME = "karedge-manifests";

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryScanner.class);

    private final Path directory;
    private final long intervalMillis;
    private final long quietMillis;
    private final ToLongFunction<Set<String>> scan;
    private final Thread thread;
    private volatile boolean running = true;

    private WatchService watchService;
    private WatchKey watchKey;

    /**
     * @param intervalMillis time between two scans when nothing is reported
     * @param quietMillis    how long the watcher must stay silent before a reported change is scanned
     * @param scan           one scan; gets the names of the files the watcher reported, returns the
     *                       milliseconds after which it wants the next scan (sooner than the interval)
     */
    DirectoryScanner(Path directory, long intervalMillis, long quietMillis, ToLongFunction<Set<String>> scan) {
        this.directory = directory;
        this.intervalMillis = intervalMillis;
        this.quietMillis = quietMillis;
        this.scan = scan;
        this.thread = new Thread(this::run, THREAD_NAME);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Stops the thread and waits for it (a scan in progress is interrupted). */
    void stop() {
        running = false;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("Thread {} did not stop within 10 s", THREAD_NAME);
        }
    }

    boolean isAlive() {
        return thread.isAlive();
    }

    private void run() {
        Set<String> touched = new HashSet<>();
        try {
            long nextScan = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(scanOnce(touched));
            while (running) {
                watch();
                long waitMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextScan - System.nanoTime()));
                if (watchService == null) {
                    Thread.sleep(waitMillis);
                } else {
                    WatchKey key = watchService.poll(waitMillis, TimeUnit.MILLISECONDS);
                    if (key != null) {
                        collect(key, touched);
                        long latest = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(intervalMillis,
                                10 * quietMillis));
                        while (System.nanoTime() < latest
                                && (key = watchService.poll(quietMillis, TimeUnit.MILLISECONDS)) != null) {
                            collect(key, touched);
                        }
                        nextScan = System.nanoTime();
                    }
                }
                if (running && System.nanoTime() - nextScan >= 0) {
                    nextScan = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(scanOnce(touched));
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // stopping
        } finally {
            closeWatcher();
        }
    }

    /** @return milliseconds until the next scan: the interval, or sooner if the scan asked for it */
    private long scanOnce(Set<String> touched) {
        long wanted = Long.MAX_VALUE;
        try {
            wanted = scan.applyAsLong(Set.copyOf(touched));
        } catch (RuntimeException e) {
            LOG.error("Scan of manifest directory {} failed; trying again at the next scan", directory, e);
        }
        touched.clear();
        return Math.max(1, Math.min(intervalMillis, wanted));
    }

    /** Registers the directory with a watch service when it exists and is not registered yet. */
    private void watch() {
        if (watchKey != null && watchKey.isValid()) {
            return;
        }
        watchKey = null;
        if (!Files.isDirectory(directory)) {
            return;
        }
        try {
            if (watchService == null) {
                watchService = FileSystems.getDefault().newWatchService();
            }
            watchKey = directory.register(watchService, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("Cannot watch {}, relying on rescans: {}", directory, e.toString());
        }
    }

    private static void collect(WatchKey key, Set<String> touched) {
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.context() instanceof Path path) {
                touched.add(path.getFileName().toString());
            }
        }
        key.reset();
    }

    private void closeWatcher() {
        if (watchService != null) {
            try {
                watchService.close();
            } catch (IOException e) {
                LOG.debug("Closing the watch service: {}", e.toString());
            }
        }
    }
}
