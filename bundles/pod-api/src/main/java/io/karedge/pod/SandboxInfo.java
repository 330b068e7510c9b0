package io.karedge.pod;

import java.time.Instant;

/**
 * A pod's sandbox as the runtime sees it.
 *
 * @param id        the runtime's id
 * @param ready     whether it is ready to run containers
 * @param ip        the pod's address, or {@code null} (host-network pods have none of their own)
 * @param createdAt when it was created
 * @param attempt   its instance number
 */
public record SandboxInfo(String id, boolean ready, String ip, Instant createdAt, int attempt) {
}
