package io.karedge.cloud.bridge.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.karedge.cloud.bridge.LinkState;
import io.karedge.store.internal.StoreComponent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test of the bridge against a fresh {@link CloudHubDouble} and the real store in a temporary directory; the
 * bridge a test starts into {@link #bridge} is stopped after it, and no frame may have been one CloudHub refuses.
 */
abstract class AgainstCloudHubDouble {

    @TempDir
    Path data;

    CloudHubDouble cloud;
    StoreComponent store;
    CloudBridgeComponent bridge;

    @BeforeEach
    void startCloudAndStore() throws Exception {
        cloud = new CloudHubDouble();
        store = Fixtures.openStore(data);
    }

    /** Starts a bridge with the fast settings and {@code overrides} and waits until it is connected. */
    CloudBridgeComponent connectedBridge(Map<String, Object> overrides) {
        Map<String, Object> values = Fixtures.fast(cloud);
        values.putAll(overrides);
        CloudBridgeComponent started = Fixtures.bridge(values, store, data);
        await().atMost(Duration.ofSeconds(20)).until(() -> started.snapshot().state() == LinkState.CONNECTED);
        return started;
    }

    @AfterEach
    void stopBridgeCloudAndStore() {
        if (bridge != null) {
            bridge.deactivate();
        }
        Fixtures.closeStore(store);
        cloud.close();
        assertThat(cloud.invalidReasons).as("frames CloudHub would have refused").isEmpty();
        assertThat(cloud.invalidFrames.get()).isZero();
    }
}
