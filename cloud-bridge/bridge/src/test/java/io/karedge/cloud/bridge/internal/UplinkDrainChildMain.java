package io.karedge.cloud.bridge.internal;

import io.karedge.store.internal.StoreComponent;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The child process of {@link UplinkCrashTest}: the real store on a data directory and the bridge's Uplink
 * drainer linked to a CloudHub double in the parent process. Arguments: data directory, CloudHub address,
 * certificate service address, token, upstream rate limit (messages per second), window.
 *
 * <p>Prints {@code READY} once the bridge runs, then {@code DEPTH <n>} every 100 ms. It exits when its stdin
 * closes (the parent is gone) or after five minutes, whichever comes first; the test kills it with SIGKILL.
 */
public final class UplinkDrainChildMain {

    static final String READY = "READY";

    private UplinkDrainChildMain() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Map<String, Object> values = new HashMap<>();
        values.put("server", args[1]);
        values.put("cert.server", args[2]);
        values.put("token", args[3]);
        values.put("node.name", "edge-1");
        values.put("register.node", false);
        values.put("keepalive.interval.s", 1);
        values.put("read.idle.timeout.s", 5);
        values.put("backoff.initial.ms", 50);
        values.put("backoff.max.ms", 400);
        // long enough that nothing is sent twice on one connection: duplicates can only come from the restart
        values.put("ack.timeout.ms", 60_000);
        values.put("uplink.qps", Integer.parseInt(args[4]));
        values.put("uplink.burst", 50);
        values.put("uplink.window", Integer.parseInt(args[5]));

        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent writes nothing; end of input means it is gone
                }
            } catch (Exception e) {
                // same
            }
            Runtime.getRuntime().halt(3);
        }, "parent-watch");
        watchdog.setDaemon(true);
        watchdog.start();

        PrintStream out = System.out;
        StoreComponent store = Fixtures.openStore(data);
        CloudBridgeComponent bridge = Fixtures.bridge(values, store, data);
        out.println(READY);
        out.flush();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            out.println("DEPTH " + store.depth() + " " + bridge.snapshot().state());
            out.flush();
            Thread.sleep(100);
        }
        bridge.deactivate();
        Fixtures.closeStore(store);
        Runtime.getRuntime().halt(4);
    }
}
