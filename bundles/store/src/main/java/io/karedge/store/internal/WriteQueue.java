package io.karedge.store.internal;

import io.karedge.api.meta.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The queue of writes and the only thread that writes ({@code karedge-store-writer}): callers queue an
 * operation and wait; the thread takes up to {@code max_batch} of them at a time and hands them to
 * {@link GroupCommit} as one transaction.
 */
final class WriteQueue {

    private final StoreSettings settings;
    private final GroupCommit groupCommit;
    private final BlockingQueue<PendingWrite<?>> queue = new LinkedBlockingQueue<>();
    private final PendingWrite<Void> stopMarker = new PendingWrite<>(null);
    private final ReadWriteLock acceptance = new ReentrantReadWriteLock();
    private final Thread writerThread;
    private boolean accepting = true;

    WriteQueue(StoreSettings settings, GroupCommit groupCommit) {
        this.settings = settings;
        this.groupCommit = groupCommit;
        this.writerThread = new Thread(this::runWriter, "karedge-store-writer");
        this.writerThread.setDaemon(true);
    }

    void start() {
        writerThread.start();
    }

    /**
     * Runs a write in the next batch and waits until that batch has committed.
     *
     * @return what the operation returned
     * @throws StoreException if the store is stopping or the write could not be made durable; a
     *                        runtime exception the operation threw is rethrown as it is
     */
    <T> T write(WriteOperation<T> operation) {
        PendingWrite<T> write = new PendingWrite<>(operation);
        acceptance.readLock().lock();
        try {
            if (!accepting) {
                throw new StoreException("store is stopping");
            }
            queue.add(write);
        } finally {
            acceptance.readLock().unlock();
        }
        return awaitUninterruptibly(write.done);
    }

    /**
     * Stops taking writes (new ones fail with "store is stopping") and waits until the writer thread has
     * finished every write already queued. Idempotent.
     */
    void stop() {
        acceptance.writeLock().lock();
        try {
            if (accepting) {
                accepting = false;
                queue.add(stopMarker);
            }
        } finally {
            acceptance.writeLock().unlock();
        }
        boolean interrupted = false;
        while (writerThread.isAlive()) {
            try {
                writerThread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void runWriter() {
        List<PendingWrite<?>> batch = new ArrayList<>(settings.maxBatch());
        boolean stopping = false;
        while (!stopping) {
            PendingWrite<?> next = takeUninterruptibly();
            while (next != null) {
                if (next == stopMarker) {
                    stopping = true;
                    break;
                }
                batch.add(next);
                next = batch.size() < settings.maxBatch() ? queue.poll() : null;
            }
            if (!batch.isEmpty()) {
                try {
                    groupCommit.run(batch);
                } catch (Throwable unexpected) {
                    groupCommit.failUnexpectedly(batch, unexpected);
                }
                batch.clear();
            }
        }
    }

    private PendingWrite<?> takeUninterruptibly() {
        while (true) {
            try {
                return queue.take();
            } catch (InterruptedException e) {
                // only stop() stops the writer, through the stop marker
            }
        }
    }

    private static <T> T awaitUninterruptibly(CompletableFuture<T> future) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    // the write is queued and will complete; the caller must learn its outcome
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    if (cause instanceof Error error) {
                        throw error;
                    }
                    throw new StoreException("write failed: " + cause.getMessage(), cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
