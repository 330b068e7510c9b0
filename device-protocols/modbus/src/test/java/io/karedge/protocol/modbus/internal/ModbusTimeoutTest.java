package io.karedge.protocol.modbus.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.karedge.api.device.Device;
import io.karedge.device.driver.DeviceHandler;
import io.karedge.device.driver.DriverException;
import io.karedge.device.driver.PropertyRequest;
import io.karedge.device.driver.ProtocolDriverContract.RecordingCallback;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A peer that accepts connections and never answers: timeouts and close() must still end calls. */
@Timeout(30)
class ModbusTimeoutTest {

    private ServerSocket silent;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    @BeforeEach
    void listen() throws IOException {
        silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!silent.isClosed()) {
                try {
                    accepted.add(silent.accept());
                } catch (IOException e) {
                    return;
                }
            }
        }, "silent-modbus-peer");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void close() throws IOException {
        silent.close();
        for (Socket socket : accepted) {
            socket.close();
        }
    }

    private Device device(int timeoutMillis) {
        return ModbusDevices.device("{ip: 127.0.0.1, port: " + silent.getLocalPort() + ", timeout: " + timeoutMillis
                + "}", "value|INT|ReadOnly|{register: HoldingRegister, offset: 0}");
    }

    @Test
    void aSilentDeviceFailsWithinItsTimeout() {
        Device device = device(400);
        try (DeviceHandler handler = new ModbusDriver().open(device, new RecordingCallback())) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> handler.read(PropertyRequest.of(device, null)))
                    .isInstanceOf(DriverException.class);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(millis).isBetween(300L, 3000L);
        }
    }

    @Test
    void closeEndsARequestInProgress() throws Exception {
        Device device = device(20_000);
        DeviceHandler handler = new ModbusDriver().open(device, new RecordingCallback());
        CompletableFuture<Object> read = CompletableFuture.supplyAsync(() -> {
            try {
                return handler.read(PropertyRequest.of(device, null));
            } catch (DriverException e) {
                return e;
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> !accepted.isEmpty());
        Thread.sleep(200);
        long start = System.nanoTime();
        handler.close();
        assertThat((System.nanoTime() - start) / 1_000_000).as("close does not block").isLessThan(500);
        Object outcome;
        try {
            outcome = read.get(3, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            outcome = e.getCause();
        }
        assertThat(outcome).isInstanceOf(DriverException.class);
    }
}
