package io.karedge.edge.stream.internal;

import static org.awaitility.Awaitility.await;

import io.karedge.pod.LogChunk;
import io.karedge.pod.PodInfo;
import io.karedge.pod.PodManagerStatus;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Benchmark, run by {@code bench/edge-stream.sh} (its name keeps it out of the unit tests): the time from a
 * log line appearing in the pod manager's view of a container log to its {@code DATA} message arriving at
 * the tunnel's cloud end, over mutual TLS on loopback, for a {@code kubectl logs -f} stream, at two
 * follow poll intervals.
 */
class LogLatencyBench {

    private static final int LINES = Integer.getInteger("bench.lines", 200);

    private static final class TimedLog implements PodManagerStatus {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public List<PodInfo> pods() {
            return List.of();
        }

        @Override
        public Optional<PodInfo> pod(String namespace, String name) {
            return Optional.empty();
        }

        @Override
        public LogChunk log(String namespace, String name, String container, boolean previous, long offset,
                            int maxBytes) {
            List<String> part = new ArrayList<>(lines.subList((int) Math.min(offset, lines.size()), lines.size()));
            return new LogChunk(part, offset + part.size(), true);
        }
    }

    @Test
    void logLineLatency() throws Exception {
        for (long poll : new long[] {200, 20}) {
            measure(poll);
        }
    }

    private void measure(long pollMillis) throws Exception {
        TestCertificates pki = new TestCertificates();
        Path credentials = Files.createTempDirectory("karedge-bench-stream");
        pki.writeNodeFiles(credentials);
        TimedLog log = new TimedLog();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ExecutorService streams = EdgeStreamComponent.streamExecutor();
        ConcurrentHashMap<Integer, Long> arrived = new ConcurrentHashMap<>();
        try (TunnelDouble cloud = new TunnelDouble(pki)) {
            cloud.onReceive = message -> {
                long now = System.nanoTime();
                if (message.type() == MessageType.DATA) {
                    for (String line : new String(message.data(), StandardCharsets.UTF_8).split("\n")) {
                        if (line.startsWith("line ")) {
                            arrived.put(Integer.parseInt(line.substring(5).trim()), now);
                        }
                    }
                }
            };
            TunnelClient client = new TunnelClient(group, new TunnelClient.Settings("127.0.0.1", cloud.port(),
                    "bench", "127.0.0.1", Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofMillis(pollMillis)),
                    TunnelCredentials.load(credentials), log, streams);
            client.start();
            await().atMost(Duration.ofSeconds(20)).until(cloud::edgeConnected);
            cloud.requestLogs(1, "bench", "writer", "main", "follow=true");
            Thread.sleep(500);
            long[] written = new long[LINES];
            for (int i = 0; i < LINES; i++) {
                written[i] = System.nanoTime();
                log.lines.add("line " + i);
                Thread.sleep(ThreadLocalRandom.current().nextInt(5, 30));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> arrived.size() == LINES);
            long[] micros = new long[LINES];
            for (int i = 0; i < LINES; i++) {
                micros[i] = TimeUnit.NANOSECONDS.toMicros(arrived.get(i) - written[i]);
            }
            Arrays.sort(micros);
            System.out.printf("edge-stream log line -> tunnel, poll %d ms, %d lines: p50 %.1f ms, p99 %.1f ms, "
                    + "max %.1f ms%n", pollMillis, LINES, micros[LINES / 2] / 1000.0, micros[LINES * 99 / 100] / 1000.0,
                    micros[LINES - 1] / 1000.0);
            client.close();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            streams.shutdownNow();
        }
    }
}
