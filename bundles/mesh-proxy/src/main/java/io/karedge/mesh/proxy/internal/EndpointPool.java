package io.karedge.mesh.proxy.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The endpoints of one Service port with its policy: an immutable set, replaced as a whole when the
 * Endpoints change (connections made earlier keep their endpoint). {@link #candidates} answers, for one
 * new connection, the order in which to try the endpoints: the policy's pick first, then the other
 * healthy endpoints, then the ejected ones (tried only when every healthy one failed).
 */
final class EndpointPool {

    /** points per endpoint on the hash ring */
    static final int RING_POINTS = 160;

    private final Policy policy;
    private final List<Target> targets;
    private final EndpointHealth[] health;
    private final Routing routing;
    private final AtomicLong next = new AtomicLong();
    private final long[] ringHashes;
    private final int[] ringOwners;

    EndpointPool(Policy policy, List<Target> targets, HealthRegistry registry) {
        this.policy = policy;
        this.targets = List.copyOf(targets);
        this.health = new EndpointHealth[this.targets.size()];
        this.routing = registry.routing();
        for (int i = 0; i < health.length; i++) {
            health[i] = registry.of(this.targets.get(i));
        }
        if (policy == Policy.CONSISTENT_HASH_SOURCE_IP && !this.targets.isEmpty()) {
            int points = this.targets.size() * RING_POINTS;
            long[][] ring = new long[points][2];
            for (int i = 0; i < this.targets.size(); i++) {
                for (int p = 0; p < RING_POINTS; p++) {
                    ring[i * RING_POINTS + p][0] = hash(this.targets.get(i).id() + "#" + p);
                    ring[i * RING_POINTS + p][1] = i;
                }
            }
            Arrays.sort(ring, Comparator.comparingLong(point -> point[0]));
            ringHashes = new long[points];
            ringOwners = new int[points];
            for (int i = 0; i < points; i++) {
                ringHashes[i] = ring[i][0];
                ringOwners[i] = (int) ring[i][1];
            }
        } else {
            ringHashes = new long[0];
            ringOwners = new int[0];
        }
    }

    Policy policy() {
        return policy;
    }

    Routing routing() {
        return routing;
    }

    List<Target> targets() {
        return targets;
    }

    boolean sameAs(Policy otherPolicy, List<Target> otherTargets) {
        return policy == otherPolicy && targets.equals(otherTargets);
    }

    /**
     * @return the endpoints to try for a connection from {@code client}, best first: the policy's order over
     *         the healthy endpoints (with {@code preferLocal}, over this node's healthy ones, the other
     *         nodes' after them), then the ejected ones and those whose node is unreachable
     */
    List<Target> candidates(InetSocketAddress client) {
        int size = targets.size();
        if (size == 0) {
            return List.of();
        }
        long now = System.nanoTime();
        List<Integer> healthy = new ArrayList<>(size);
        List<Integer> ejected = new ArrayList<>(0);
        for (int i : order(client)) {
            boolean available = health[i].available(now) && routing.usable(targets.get(i));
            (available ? healthy : ejected).add(i);
        }
        List<Integer> others = List.of();
        if (routing.preferLocal()) {
            List<Integer> local = new ArrayList<>(healthy.size());
            List<Integer> remote = new ArrayList<>(healthy.size());
            for (int i : healthy) {
                (routing.local(targets.get(i)) ? local : remote).add(i);
            }
            if (!local.isEmpty()) {
                healthy = local;
                others = remote;
            }
        }
        if (policy == Policy.ROUND_ROBIN && healthy.size() > 1) {
            rotate(healthy, (int) Math.floorMod(next.getAndIncrement(), healthy.size()));
        } else if (policy == Policy.RANDOM && healthy.size() > 1) {
            rotate(healthy, ThreadLocalRandom.current().nextInt(healthy.size()));
        }
        ejected.sort(Comparator.comparingLong(i -> health[i].ejectedUntil()));
        List<Target> result = new ArrayList<>(size);
        healthy.forEach(i -> result.add(targets.get(i)));
        others.forEach(i -> result.add(targets.get(i)));
        ejected.forEach(i -> result.add(targets.get(i)));
        return result;
    }

    EndpointHealth health(Target target) {
        int index = targets.indexOf(target);
        return index < 0 ? null : health[index];
    }

    /** the endpoints in the policy's base order: list order, or ring order from the client's hash */
    private int[] order(InetSocketAddress client) {
        int size = targets.size();
        int[] order = new int[size];
        if (ringHashes.length == 0 || client == null) {
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
            return order;
        }
        InetAddress address = client.getAddress();
        long key = hash(address == null ? client.getHostString() : address.getHostAddress());
        int start = Arrays.binarySearch(ringHashes, key);
        start = start >= 0 ? start : -start - 1;
        boolean[] seen = new boolean[size];
        int found = 0;
        for (int step = 0; step < ringHashes.length && found < size; step++) {
            int owner = ringOwners[(start + step) % ringHashes.length];
            if (!seen[owner]) {
                seen[owner] = true;
                order[found++] = owner;
            }
        }
        return order;
    }

    private static void rotate(List<Integer> list, int by) {
        if (by != 0) {
            java.util.Collections.rotate(list, -by);
        }
    }

    /** 64-bit FNV-1a with a final avalanche, stable across JVMs */
    static long hash(String value) {
        long h = 0xcbf29ce484222325L;
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
