package io.karedge.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 200 REST watches opened at once and dropped without a goodbye (TCP reset): the node's thread count
 * ({@code /proc/<pid>/status}) returns to near its idle level within a minute, plus one 15 s
 * keep-alive period in which the node notices the dropped clients.
 */
class WatchStormFaultIT {

    private static final int WATCHES = 200;
    private static final long RETURN_BOUND_MS = 75_000;
    private static final long OBSERVE_MS = 90_000;

    private KaredgeNode node;
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void stopNode() {
        sockets.forEach(WatchStormFaultIT::closeQuietly);
        if (node != null) {
            node.close();
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void threadsReturnToIdleAfterAWatchStorm() throws Exception {
        node = KaredgeNode.create("watch-storm");
        Files.writeString(node.manifests().resolve("storm.yaml"), Manifests.devices(List.of("storm-1")));
        node.start();
        Thread.sleep(10_000);
        int idle = 0;
        for (int i = 0; i < 5; i++) {
            idle = Math.max(idle, node.threads());
            Thread.sleep(1000);
        }
        int near = idle + Math.max(10, idle / 5);

        URIParts uri = new URIParts(node.uri("/api/v1/namespaces/default/devices?watch=true&timeoutSeconds=600"));
        for (int i = 0; i < WATCHES; i++) {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", uri.port), 5000);
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + uri.pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + uri.port
                    + "\r\nAuthorization: " + node.bearer() + "\r\nAccept: application/json\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            sockets.add(socket);
        }
        Map<String, Integer> answers = new TreeMap<>();
        for (Socket socket : sockets) {
            answers.merge(statusLine(socket), 1, Integer::sum);
        }
        int peak = node.threads();
        for (Socket socket : sockets) {
            socket.setSoLinger(true, 0);
            closeQuietly(socket);
        }
        sockets.clear();
        long dropped = System.nanoTime();

        long returnedMs = -1;
        int threadsAtMinute = -1;
        int now = peak;
        while ((System.nanoTime() - dropped) / 1_000_000 < OBSERVE_MS) {
            now = node.threads();
            long elapsed = (System.nanoTime() - dropped) / 1_000_000;
            if (threadsAtMinute < 0 && elapsed >= 60_000) {
                threadsAtMinute = now;
            }
            if (now >= 0 && now <= near) {
                returnedMs = elapsed;
                break;
            }
            Thread.sleep(1000);
        }

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("answers", answers);
        figures.put("idleThreads", idle);
        figures.put("peakThreads", peak);
        figures.put("nearIdle", "<=" + near);
        figures.put("returnedMs", returnedMs < 0 ? "no(" + OBSERVE_MS / 1000 + "s)" : returnedMs);
        figures.put("threadsAt60s", threadsAtMinute < 0 ? "-" : threadsAtMinute);
        figures.put("threadsAtEnd", now);
        figures.putAll(node.health());
        FaultReport.line("watch-storm", WATCHES + " REST watches opened at once, then reset", "-", 0, figures);

        assertThat(node.isAlive()).as("node process alive").isTrue();
        assertThat(node.outOfMemoryErrors()).as("OutOfMemoryError in the node's log").isZero();
        assertThat(returnedMs).as("ms until the thread count is back to <= %s (idle %s, peak %s; %s after %s s)",
                near, idle, peak, now, OBSERVE_MS / 1000).isBetween(0L, RETURN_BOUND_MS);
    }

    private static String statusLine(Socket socket) {
        try {
            BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            String line = reader.readLine();
            if (line == null) {
                return "closed";
            }
            String[] parts = line.split(" ");
            return parts.length > 1 ? parts[1] : line;
        } catch (IOException e) {
            return "noAnswer";
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }

    private record URIParts(int port, String pathAndQuery) {
        URIParts(java.net.URI uri) {
            this(uri.getPort(), uri.getRawPath() + "?" + uri.getRawQuery());
        }
    }
}
