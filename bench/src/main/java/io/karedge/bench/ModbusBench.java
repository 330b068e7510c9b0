package io.karedge.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.device.Device;
import io.karedge.api.device.DeviceModel;
import io.karedge.api.json.KaredgeJson;
import io.karedge.device.driver.DeviceCallback;
import io.karedge.device.driver.DeviceHandler;
import io.karedge.device.driver.DeviceState;
import io.karedge.device.driver.PropertyRequest;
import io.karedge.device.driver.PropertyValue;
import io.karedge.protocol.modbus.internal.ModbusDriver;
import java.util.List;
import java.util.Locale;

/**
 * Reads per second through the Modbus driver (SPI calls, as the device manager makes them, on one thread)
 * against a Modbus TCP server on 127.0.0.1. Started by bench/modbus.sh with the port of the pymodbus server
 * (its holding registers 50..149 hold 0..99).
 *
 * <p>Three shapes, each for the given number of seconds after a one-second warm-up: one property per read
 * call; ten contiguous properties per call (one Modbus request); ten properties two registers apart per call
 * (ten requests).
 */
public final class ModbusBench {

    private ModbusBench() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 10;
        System.out.printf(Locale.ROOT, "modbus driver -> pymodbus on 127.0.0.1:%d, %.0f s per shape, 1 thread%n",
                port, seconds);
        run("1 property per read (1 request)", device(port, 1, 1), seconds);
        run("10 contiguous properties per read (1 request)", device(port, 10, 1), seconds);
        run("10 scattered properties per read (10 requests)", device(port, 10, 2), seconds);
    }

    private static void run(String label, Device device, double seconds) throws Exception {
        ModbusDriver driver = new ModbusDriver();
        driver.validate(device);
        DeviceModel model = null;
        List<PropertyRequest> requests = PropertyRequest.of(device, model);
        try (DeviceHandler handler = driver.open(device, new Quiet())) {
            loop(handler, requests, 1.0);
            long[] result = loop(handler, requests, seconds);
            double elapsed = result[2] / 1e9;
            System.out.printf(Locale.ROOT, "%-50s %9.0f reads/s  %9.0f property values/s  (%d errors)%n", label,
                    result[0] / elapsed, result[1] / elapsed, result[3]);
        }
    }

    /** @return calls, values, nanoseconds, failed values */
    private static long[] loop(DeviceHandler handler, List<PropertyRequest> requests, double seconds)
            throws Exception {
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long calls = 0;
        long values = 0;
        long errors = 0;
        long now;
        do {
            List<PropertyValue> read = handler.read(requests);
            calls++;
            for (PropertyValue value : read) {
                values++;
                if (!value.ok()) {
                    errors++;
                }
            }
            now = System.nanoTime();
        } while (now < end);
        return new long[] {calls, values, now - start, errors};
    }

    private static Device device(int port, int properties, int stride) throws Exception {
        ObjectNode root = KaredgeJson.mapper().createObjectNode();
        root.put("apiVersion", "devices.kubeedge.io/v1beta1").put("kind", "Device");
        root.putObject("metadata").put("name", "bench-plc").put("namespace", "bench");
        ObjectNode spec = root.putObject("spec");
        ObjectNode protocol = spec.putObject("protocol").put("protocolName", "modbus");
        protocol.putObject("configData").put("ip", "127.0.0.1").put("port", port).put("slaveID", 1)
                .put("timeout", 2000);
        ArrayNode list = spec.putArray("properties");
        for (int i = 0; i < properties; i++) {
            ObjectNode property = list.addObject().put("name", "r" + i);
            property.putObject("visitors").put("protocolName", "modbus").putObject("configData")
                    .put("register", "HoldingRegister").put("offset", 50 + i * stride).put("limit", 1)
                    .put("dataType", "int");
        }
        return KaredgeJson.mapper().treeToValue(root, Device.class);
    }

    private static final class Quiet implements DeviceCallback {
        @Override
        public void reportValues(List<PropertyValue> values) {
        }

        @Override
        public void reportState(DeviceState state, String message) {
        }
    }
}
