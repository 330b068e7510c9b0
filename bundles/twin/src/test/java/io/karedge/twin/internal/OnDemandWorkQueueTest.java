package io.karedge.twin.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OnDemandWorkQueueTest {

    final OnDemandWorkQueue queue = new OnDemandWorkQueue();
    final ThreadPoolExecutor pool = new ThreadPoolExecutor(0, 8, 30, TimeUnit.SECONDS, queue,
            (task, executor) -> queue.queueRejected(task, executor));

    {
        queue.attach(pool);
    }

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void aTrickleOfShortTasksKeepsOneWorker() throws Exception {
        AtomicInteger done = new AtomicInteger();
        for (int i = 0; i < 200; i++) {
            pool.execute(done::incrementAndGet);
            int expected = i + 1;
            await().atMost(Duration.ofSeconds(2)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(() -> done.get() == expected);
        }

        assertThat(pool.getLargestPoolSize()).isLessThanOrEqualTo(2);
    }

    @Test
    void blockedWorkersMakeThePoolGrowToItsMaximumAndTheRestWaits() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger done = new AtomicInteger();
        for (int i = 0; i < 50; i++) {
            pool.execute(() -> {
                waitFor(release);
                done.incrementAndGet();
            });
        }

        await().atMost(Duration.ofSeconds(2)).until(() -> pool.getPoolSize() == 8);
        assertThat(queue).hasSize(42);
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> done.get() == 50);
    }

    @Test
    void afterABurstATrickleKeepsOnlyTheWorkersItNeeds() throws Exception {
        OnDemandWorkQueue shortQueue = new OnDemandWorkQueue(2, 200);
        ThreadPoolExecutor shrinking = new ThreadPoolExecutor(0, 8, 30, TimeUnit.SECONDS, shortQueue,
                (task, executor) -> shortQueue.queueRejected(task, executor));
        shortQueue.attach(shrinking);
        try {
            CountDownLatch release = new CountDownLatch(1);
            for (int i = 0; i < 8; i++) {
                shrinking.execute(() -> waitFor(release));
            }
            await().atMost(Duration.ofSeconds(2)).until(() -> shrinking.getPoolSize() == 8);
            release.countDown();

            // one short task every 50 ms: with first-come-first-served waiting and a 30 s keep-alive alone,
            // all eight workers would stay
            AtomicInteger done = new AtomicInteger();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            int submitted = 0;
            while (System.nanoTime() < end) {
                shrinking.execute(done::incrementAndGet);
                submitted++;
                Thread.sleep(50);
            }
            int expected = submitted;
            await().atMost(Duration.ofSeconds(2)).until(() -> done.get() == expected);
            assertThat(shrinking.getPoolSize()).isLessThanOrEqualTo(3);
        } finally {
            shrinking.shutdownNow();
            shrinking.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void racingSubmittersLoseNoTask() throws Exception {
        AtomicInteger done = new AtomicInteger();
        Thread[] submitters = new Thread[8];
        for (int s = 0; s < submitters.length; s++) {
            submitters[s] = new Thread(() -> {
                for (int i = 0; i < 2000; i++) {
                    pool.execute(done::incrementAndGet);
                }
            });
            submitters[s].start();
        }
        for (Thread submitter : submitters) {
            submitter.join();
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> done.get() == 16000);
        assertThat(pool.getLargestPoolSize()).isLessThanOrEqualTo(8);
    }

    /**
     * A worker that has just taken a task from the queue is not yet counted as active; a task offered in
     * that moment must not be queued for it as if it were idle, or that task waits for a busy worker to
     * finish while the pool could still grow.
     */
    @Test
    void everyBlockingTaskGetsAWorkerWhileThePoolCanGrow() throws Exception {
        OnDemandWorkQueue growing = new OnDemandWorkQueue(2, 5);
        ThreadPoolExecutor wide = new ThreadPoolExecutor(0, 64, 30, TimeUnit.SECONDS, growing,
                (task, executor) -> growing.queueRejected(task, executor));
        growing.attach(wide);
        long seed = System.nanoTime();
        java.util.Random random = new java.util.Random(seed);
        try {
            for (int round = 0; round < 200; round++) {
                int tasks = 2 + random.nextInt(40);
                CountDownLatch release = new CountDownLatch(1);
                CountDownLatch running = new CountDownLatch(tasks);
                AtomicInteger finished = new AtomicInteger();
                for (int i = 0; i < tasks; i++) {
                    wide.execute(() -> {
                        running.countDown();
                        waitFor(release);
                        finished.incrementAndGet();
                    });
                }
                boolean allRunning = running.await(2, TimeUnit.SECONDS);
                release.countDown();
                assertThat(allRunning).as("round %d: all %d tasks running at once (seed %d)", round, tasks,
                        seed).isTrue();
                await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1))
                        .until(() -> finished.get() == tasks);
                Thread.sleep(random.nextInt(20)); // surplus workers end after 5 ms: the pool shrinks
            }
        } finally {
            wide.shutdownNow();
            wide.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static void waitFor(CountDownLatch release) {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
