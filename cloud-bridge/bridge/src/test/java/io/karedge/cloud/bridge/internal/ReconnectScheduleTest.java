package io.karedge.cloud.bridge.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.annotation.Annotation;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReconnectScheduleTest {

    private static final long INITIAL = defaults().backoff_initial_ms();
    private static final long MAX = defaults().backoff_max_ms();

    @Test
    void theDefaultsTopOutWithinEdgeCoresFiveSecondsBetweenTries() {
        assertThat(MAX).isLessThanOrEqualTo(5_000);
        assertThat(ReconnectSchedule.delayMillis(INITIAL, MAX, 1, 0.0)).isEqualTo(INITIAL / 2);
        assertThat(ReconnectSchedule.delayMillis(INITIAL, MAX, 1, 0.999_999)).isLessThanOrEqualTo(INITIAL);
        for (int failures = 1; failures < 200; failures++) {
            assertThat(ReconnectSchedule.delayMillis(INITIAL, MAX, failures, 0.999_999)).isLessThanOrEqualTo(MAX);
        }
        assertThat(ReconnectSchedule.delayMillis(INITIAL, MAX, 50, 0.0)).isEqualTo(MAX / 2);
    }

    @Test
    void eachWaitLiesInTheUpperHalfOfADoublingCeiling() {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 10_000; i++) {
            long initial = 10 + random.nextLong(5_000);
            long max = initial + random.nextLong(120_000);
            int failures = 1 + random.nextInt(40);
            long ceiling = Math.min(max, initial * (1L << Math.min(20, failures - 1)));
            long delay = ReconnectSchedule.delayMillis(initial, max, failures, random.nextDouble());
            assertThat(delay).as("seed %d: initial %d, max %d, failures %d", seed, initial, max, failures)
                    .isBetween(ceiling / 2, ceiling);
        }
    }

    @Test
    void theWaitsAreSpreadNotAllTheSame() {
        long lowest = Long.MAX_VALUE;
        long highest = 0;
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 1_000; i++) {
            long delay = ReconnectSchedule.delayMillis(INITIAL, MAX, 10, random.nextDouble());
            lowest = Math.min(lowest, delay);
            highest = Math.max(highest, delay);
        }
        assertThat(highest - lowest).isGreaterThan(MAX / 3);
    }

    private static BridgeConfig defaults() {
        return (BridgeConfig) java.lang.reflect.Proxy.newProxyInstance(BridgeConfig.class.getClassLoader(),
                new Class<?>[] {BridgeConfig.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Annotation.class || method.getDeclaringClass() == Object.class) {
                        return null;
                    }
                    return method.getDefaultValue();
                });
    }
}
