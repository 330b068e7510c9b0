package io.karedge.device.manager.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ReadPhaseTest {

    @Test
    void aDeviceReadsAtTheSameOffsetEveryTime() {
        assertThat(CollectCycles.phase("plant/thermo-1", 5000)).isEqualTo(CollectCycles.phase("plant/thermo-1", 5000));
    }

    @Test
    void theOffsetStaysBelowOneSecondAndBelowTheCycle() {
        IntStream.range(0, 1000).forEach(i -> {
            assertThat(CollectCycles.phase("ns/device-" + i, 60_000)).isBetween(0L, 999L);
            assertThat(CollectCycles.phase("ns/device-" + i, 200)).isBetween(0L, 199L);
            assertThat(CollectCycles.phase("ns/device-" + i, 1)).isZero();
        });
    }

    @Test
    void aHundredDevicesStartingTogetherSpreadOverTheSecond() {
        int[] perTenth = new int[10];
        IntStream.rangeClosed(1, 100).forEach(i -> perTenth[(int) (CollectCycles.phase(
                String.format("bench/bench-%03d", i), 1000) / 100)]++);
        // no tenth of the second gets more than a quarter of the devices, none stays empty
        assertThat(IntStream.of(perTenth).boxed()).allSatisfy(n -> assertThat(n).isBetween(1, 25));
    }
}
