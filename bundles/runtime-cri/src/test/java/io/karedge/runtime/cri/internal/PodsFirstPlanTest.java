package io.karedge.runtime.cri.internal;

import io.karedge.boot.podsfirst.plan.RestorePlan;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restore plan under random sequences of updates and deletions (seeded; the seed is in the failure
 * message): after every step the directory holds exactly the pods not deleted since their last update, each
 * with its last content, and no temporary file.
 */
class PodsFirstPlanTest {

    @TempDir
    Path dir;

    private static byte[] config(Random random) {
        byte[] bytes = new byte[1 + random.nextInt(200)];
        random.nextBytes(bytes);
        return bytes;
    }

    private void update(PodsFirstPlan plan, String uid, int attempt, byte[] config) {
        plan.update(uid, "ns", "pod-" + uid, "/run/cri.sock", "", Path.of("/logs", uid), attempt, config,
                List.of(new RestorePlan.Container("main", "busybox", "IfNotPresent", attempt, config)));
    }

    /** The sandbox attempt and configuration of a plan file. */
    private record Read(int attempt, byte[] config) {
    }

    private Read read(Path file) throws Exception {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            assertThat(in.readInt()).isEqualTo(RestorePlan.MAGIC);
            for (int i = 0; i < 6; i++) {
                in.readUTF();
            }
            int attempt = in.readInt();
            return new Read(attempt, in.readNBytes(in.readInt()));
        }
    }

    @Test
    void randomUpdatesAndDeletionsLeaveExactlyTheLivePods() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        PodsFirstPlan plan = new PodsFirstPlan(dir);
        Map<String, Read> model = new HashMap<>();
        for (int step = 0; step < 400; step++) {
            String uid = "u" + random.nextInt(6);
            if (random.nextInt(3) == 0) {
                plan.remove(uid);
                model.remove(uid);
            } else {
                int attempt = random.nextInt(3);
                byte[] config = random.nextInt(4) == 0 && model.containsKey(uid) ? model.get(uid).config()
                        : config(random);
                update(plan, uid, attempt, config);
                model.put(uid, new Read(attempt, config));
            }
            List<String> files;
            try (Stream<Path> list = Files.list(dir)) {
                files = list.map(p -> p.getFileName().toString()).sorted().toList();
            }
            assertThat(files).as("seed %d step %d", seed, step)
                    .containsExactlyInAnyOrderElementsOf(model.keySet().stream().map(u -> u + ".plan").toList());
            for (Map.Entry<String, Read> entry : model.entrySet()) {
                Read found = read(dir.resolve(entry.getKey() + ".plan"));
                assertThat(found.attempt()).as("seed %d step %d", seed, step).isEqualTo(entry.getValue().attempt());
                assertThat(found.config()).as("seed %d step %d", seed, step).isEqualTo(entry.getValue().config());
            }
        }
    }

    @Test
    void concurrentWritersOfDifferentPodsAndADeletionRace() throws Exception {
        long seed = System.nanoTime();
        PodsFirstPlan plan = new PodsFirstPlan(dir);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                Random random = new Random(seed + thread);
                for (int i = 0; i < 100; i++) {
                    update(plan, "t" + thread, i, config(random));
                }
                // the pod is deleted last: it must be gone, whatever the other threads write
                plan.remove("t" + thread);
                return null;
            }));
        }
        for (Future<?> future : futures) {
            future.get();
        }
        pool.shutdown();
        try (Stream<Path> list = Files.list(dir)) {
            assertThat(list.toList()).as("seed %d", seed).isEmpty();
        }
    }
}
