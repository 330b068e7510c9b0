package io.karedge.mesh.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EndpointPoolTest {

    final HealthRegistry registry = new HealthRegistry(5000, 60000);
    final List<Target> targets = IntStream.rangeClosed(1, 4)
            .mapToObj(i -> Target.of("127.0.0.1", 9000 + i, Target.FROM_ENDPOINTS).orElseThrow()).toList();

    @Test
    void roundRobinVisitsEachEndpointInTurnAndPutsEjectedOnesLast() {
        EndpointPool pool = new EndpointPool(Policy.ROUND_ROBIN, targets, registry);
        Map<Target, Integer> counts = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            counts.merge(pool.candidates(null).get(0), 1, Integer::sum);
        }
        assertThat(counts.values()).containsOnly(100);

        registry.of(targets.get(0)).failed(System.nanoTime());
        for (int i = 0; i < 10; i++) {
            List<Target> order = pool.candidates(null);
            assertThat(order).hasSize(4);
            assertThat(order.get(0)).isNotEqualTo(targets.get(0));
            assertThat(order.get(3)).isEqualTo(targets.get(0));
        }
    }

    @Test
    void ejectionBacksOffExponentiallyUpToTheMaximum() {
        EndpointHealth health = new EndpointHealth(5000, 60000);
        long now = 0;
        long[] expected = {5000, 10000, 20000, 40000, 60000, 60000};
        for (long millis : expected) {
            health.failed(now);
            assertThat(health.ejectedUntil() - now).isEqualTo(millis * 1_000_000L);
            assertThat(health.available(now + millis * 1_000_000L - 1)).isFalse();
            assertThat(health.available(now + millis * 1_000_000L)).isTrue();
        }
        health.succeeded();
        assertThat(health.available(now)).isTrue();
    }

    @Test
    void consistentHashIsStablePerSourceAddressWhateverThePort() {
        EndpointPool pool = new EndpointPool(Policy.CONSISTENT_HASH_SOURCE_IP, targets, registry);
        Map<Target, Integer> spread = new HashMap<>();
        for (int last = 1; last <= 200; last++) {
            String ip = "127.0.1." + last;
            Target first = pool.candidates(new InetSocketAddress(ip, 40000)).get(0);
            assertThat(pool.candidates(new InetSocketAddress(ip, 50000)).get(0)).isEqualTo(first);
            assertThat(new EndpointPool(Policy.CONSISTENT_HASH_SOURCE_IP, targets, registry)
                    .candidates(new InetSocketAddress(ip, 1)).get(0)).isEqualTo(first);
            spread.merge(first, 1, Integer::sum);
        }
        assertThat(spread).hasSize(4);
        spread.values().forEach(n -> assertThat(n).isBetween(20, 80));
    }

    @Test
    void consistentHashMovesOnlyTheKeysOfARemovedEndpoint() {
        EndpointPool four = new EndpointPool(Policy.CONSISTENT_HASH_SOURCE_IP, targets, registry);
        EndpointPool three = new EndpointPool(Policy.CONSISTENT_HASH_SOURCE_IP, targets.subList(0, 3), registry);
        for (int last = 1; last <= 200; last++) {
            InetSocketAddress client = new InetSocketAddress("127.0.2." + last, 1);
            Target before = four.candidates(client).get(0);
            if (!before.equals(targets.get(3))) {
                assertThat(three.candidates(client).get(0)).isEqualTo(before);
            }
        }
    }
}
