package io.karedge.device.manager.internal;

import io.karedge.api.device.Device;
import io.karedge.device.driver.DeviceCallback;
import io.karedge.device.driver.DeviceHandler;
import io.karedge.device.driver.DriverException;
import io.karedge.device.driver.PropertyRequest;
import io.karedge.device.driver.PropertyValue;
import io.karedge.device.driver.PropertyWrite;
import io.karedge.device.driver.ProtocolDriver;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A driver for simulated devices that outlive the node: each device is a set of registers that keep their
 * values across node restarts and driver reinstalls, and that can drop off (every call fails) and come back
 * reset to 0, as a PLC does after a power cycle. Every value ever written is kept, to prove what reached a
 * device.
 */
final class RegisterDriver implements ProtocolDriver {

    /** The devices themselves: shared by every driver instance of one test. */
    static final class Plant {
        final Map<String, Map<String, String>> registers = new ConcurrentHashMap<>();
        final Map<String, Boolean> offline = new ConcurrentHashMap<>();
        final Queue<String> written = new ConcurrentLinkedQueue<>();
        /** devices that answer every write with a refusal (a PLC in local mode) */
        final Map<String, Boolean> refusing = new ConcurrentHashMap<>();
        /** devices whose next read first reports a reconnect (the driver had to connect again) */
        final java.util.Set<String> reconnecting = ConcurrentHashMap.newKeySet();
        /** devices whose writes throw while their reads answer (a write the device fails, not refuses) */
        final java.util.Set<String> failingWrites = ConcurrentHashMap.newKeySet();
        /** devices that drop off during their next write: it throws, and so does every call after it */
        final java.util.Set<String> droppingOnWrite = ConcurrentHashMap.newKeySet();
        /** how long each write waits before it looks at the device (a slow link, a busy gateway) */
        volatile long writeStallMillis;
        /** every write call, refused ones included */
        final java.util.concurrent.atomic.AtomicInteger writeCalls = new java.util.concurrent.atomic.AtomicInteger();

        String value(String device, String property) {
            return registers.getOrDefault(device, Map.of()).get(property);
        }

        void drop(String device) {
            offline.put(device, true);
        }

        /**
         * The device restarts between two reads of the node: its registers reset to 0, and no call in between
         * fails, so nothing tells the node that it was away.
         */
        void restartQuietly(String device) {
            registers.computeIfAbsent(device, d -> new ConcurrentHashMap<>()).replaceAll((property, value) -> "0");
        }

        /** Someone sets a register at the device itself (its panel, another master). */
        void setAtDevice(String device, String property, String value) {
            registers.computeIfAbsent(device, d -> new ConcurrentHashMap<>()).put(property, value);
        }

        /** The device is back, its registers reset (a power cycle). */
        void comeBack(String device) {
            registers.computeIfAbsent(device, d -> new ConcurrentHashMap<>()).replaceAll((property, value) -> "0");
            offline.remove(device);
        }
    }

    private final Plant plant;

    RegisterDriver(Plant plant) {
        this.plant = plant;
    }

    @Override
    public DeviceHandler open(Device device, DeviceCallback callback) {
        String name = device.metadata().getName();
        Map<String, String> registers = plant.registers.computeIfAbsent(name, d -> new ConcurrentHashMap<>());
        return new DeviceHandler() {
            @Override
            public List<PropertyValue> read(List<PropertyRequest> requests) throws DriverException {
                reachable();
                if (plant.reconnecting.remove(name)) {
                    callback.reportReconnected("reconnected to " + name);
                }
                return requests.stream()
                        .map(r -> PropertyValue.of(r.name(), registers.getOrDefault(r.name(), "0"), r.type()))
                        .toList();
            }

            @Override
            public List<PropertyValue> write(List<PropertyWrite> writes) throws DriverException {
                stall();
                reachable();
                plant.writeCalls.incrementAndGet();
                if (plant.droppingOnWrite.remove(name)) {
                    plant.drop(name);
                    reachable();
                }
                if (plant.failingWrites.contains(name)) {
                    throw new DriverException("device " + name + " failed the write");
                }
                if (plant.refusing.containsKey(name)) {
                    return writes.stream().map(w -> PropertyValue.failed(w.name(), "write refused: local mode"))
                            .toList();
                }
                for (PropertyWrite write : writes) {
                    registers.put(write.name(), write.value());
                    plant.written.add(name + "/" + write.name() + "=" + write.value());
                }
                return writes.stream().map(w -> PropertyValue.of(w.name(), w.value(), w.target().type())).toList();
            }

            private void stall() throws DriverException {
                if (plant.writeStallMillis > 0) {
                    try {
                        Thread.sleep(plant.writeStallMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new DriverException("interrupted while writing to " + name);
                    }
                }
            }

            private void reachable() throws DriverException {
                if (plant.offline.containsKey(name)) {
                    throw new DriverException("device " + name + " does not answer");
                }
            }

            @Override
            public void close() {
                // nothing held
            }
        };
    }
}
