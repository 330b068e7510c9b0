package io.karedge.mesh.proxy.internal;

import java.io.IOException;
import java.net.Socket;
import java.util.List;

/**
 * Active health for the kernel data path, where no connect passes through the proxy: each endpoint is
 * probed with a TCP connect (closed at once). A refused or timed-out connect ejects the endpoint as a
 * failed relay connect would; a successful one clears it. Endpoints of the kernel path are on loopback,
 * so a probe takes microseconds unless the endpoint hangs.
 */
final class EndpointProber {

    private final HealthRegistry health;
    private final int timeoutMillis;

    EndpointProber(HealthRegistry health, long timeoutMillis) {
        this.health = health;
        this.timeoutMillis = (int) Math.max(10, Math.min(timeoutMillis, Integer.MAX_VALUE));
    }

    /** @return whether any endpoint changed between healthy and ejected */
    boolean probe(List<Target> targets) {
        boolean changed = false;
        for (Target target : targets) {
            EndpointHealth state = health.of(target);
            boolean before = state.available(System.nanoTime());
            if (reachable(target)) {
                state.succeeded();
            } else if (before) {
                state.failed(System.nanoTime());
            }
            changed |= before != state.available(System.nanoTime());
        }
        return changed;
    }

    private boolean reachable(Target target) {
        try (Socket socket = new Socket()) {
            socket.connect(target.socketAddress(), timeoutMillis);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
