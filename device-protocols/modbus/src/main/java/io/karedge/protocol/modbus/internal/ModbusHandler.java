package io.karedge.protocol.modbus.internal;

import com.ghgande.j2mod.modbus.ModbusSlaveException;
import com.ghgande.j2mod.modbus.msg.ModbusRequest;
import com.ghgande.j2mod.modbus.msg.ModbusResponse;
import com.ghgande.j2mod.modbus.msg.ReadCoilsRequest;
import com.ghgande.j2mod.modbus.msg.ReadCoilsResponse;
import com.ghgande.j2mod.modbus.msg.ReadInputDiscretesRequest;
import com.ghgande.j2mod.modbus.msg.ReadInputDiscretesResponse;
import com.ghgande.j2mod.modbus.msg.ReadInputRegistersRequest;
import com.ghgande.j2mod.modbus.msg.ReadInputRegistersResponse;
import com.ghgande.j2mod.modbus.msg.ReadMultipleRegistersRequest;
import com.ghgande.j2mod.modbus.msg.ReadMultipleRegistersResponse;
import com.ghgande.j2mod.modbus.msg.WriteCoilRequest;
import com.ghgande.j2mod.modbus.msg.WriteMultipleCoilsRequest;
import com.ghgande.j2mod.modbus.msg.WriteMultipleRegistersRequest;
import com.ghgande.j2mod.modbus.msg.WriteSingleRegisterRequest;
import com.ghgande.j2mod.modbus.procimg.Register;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;
import io.karedge.api.device.Device;
import io.karedge.device.driver.BaseDeviceHandler;
import io.karedge.device.driver.DeviceCallback;
import io.karedge.device.driver.DriverException;
import io.karedge.device.driver.PropertyException;
import io.karedge.device.driver.PropertyRequest;
import io.karedge.device.driver.PropertyValue;
import io.karedge.device.driver.StateDetail;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One Modbus TCP device. Reads are batched: properties of the same register type whose address ranges touch
 * or overlap are read with one request (up to the protocol's per-request maximum). When the device refuses
 * such a request with a Modbus exception, its properties are read one by one, so that one bad address only
 * fails its own property. A lost connection fails the whole call with a {@link DriverException}; the next
 * call connects again.
 *
 * <p>Writes go to coils (function 5, or 15 for several bits) and holding registers (6, or 16 for several
 * words), then the property is read back and the value the device now holds is returned.
 */
final class ModbusHandler extends BaseDeviceHandler {

    private final ModbusConnection connection;
    private final Map<String, Object> visitors = new ConcurrentHashMap<>();

    ModbusHandler(Device device, DeviceCallback callback, ModbusEndpoint endpoint) {
        super(device, callback);
        this.connection = new ModbusConnection(endpoint,
                () -> callback.reportReconnected("reconnected to " + endpoint));
    }

    /** A property ready to read: its request, its position in the batch, its visitor and decode type. */
    record Item(int index, PropertyRequest request, ModbusVisitor visitor, String type) {
    }

    /** Consecutive items read with one request. */
    record Span(RegisterType register, int start, int end, List<Item> items) {
    }

    @Override
    public List<PropertyValue> read(List<PropertyRequest> requests) throws DriverException {
        ensureOpen();
        PropertyValue[] results = new PropertyValue[requests.size()];
        Map<RegisterType, List<Item>> byRegister = new EnumMap<>(RegisterType.class);
        for (int i = 0; i < requests.size(); i++) {
            PropertyRequest request = requests.get(i);
            try {
                ModbusVisitor visitor = visitor(request);
                String type = visitor.typeFor(request.type());
                String problem = RegisterCodec.checkShape(visitor, type);
                if (problem != null) {
                    throw new PropertyException("property " + request.name() + ": " + problem);
                }
                byRegister.computeIfAbsent(visitor.register(), r -> new ArrayList<>())
                        .add(new Item(i, request, visitor, type));
            } catch (PropertyException e) {
                results[i] = PropertyValue.failed(request.name(), e.getMessage());
            }
        }
        for (Map.Entry<RegisterType, List<Item>> entry : byRegister.entrySet()) {
            for (Span span : spans(entry.getKey(), entry.getValue())) {
                readSpan(span, results);
            }
        }
        return Arrays.asList(results);
    }

    /** Groups items whose ranges touch or overlap, without exceeding the per-request maximum. */
    static List<Span> spans(RegisterType register, List<Item> items) {
        List<Item> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparingInt((Item item) -> item.visitor().offset())
                .thenComparingInt(item -> item.visitor().end()));
        List<Span> spans = new ArrayList<>();
        List<Item> current = new ArrayList<>();
        int start = -1;
        int end = -1;
        for (Item item : sorted) {
            int itemStart = item.visitor().offset();
            int itemEnd = item.visitor().end();
            boolean joins = !current.isEmpty() && itemStart <= end
                    && Math.max(end, itemEnd) - start <= register.maxPerRead();
            if (!joins && !current.isEmpty()) {
                spans.add(new Span(register, start, end, current));
                current = new ArrayList<>();
            }
            if (current.isEmpty()) {
                start = itemStart;
                end = itemEnd;
            } else {
                end = Math.max(end, itemEnd);
            }
            current.add(item);
        }
        if (!current.isEmpty()) {
            spans.add(new Span(register, start, end, current));
        }
        return spans;
    }

    private void readSpan(Span span, PropertyValue[] results) throws DriverException {
        try {
            ModbusResponse response = execute(readRequest(span.register(), span.start(), span.end() - span.start()));
            for (Item item : span.items()) {
                results[item.index()] = decode(item, response, span.start());
            }
        } catch (ModbusSlaveException e) {
            if (span.items().size() == 1) {
                Item item = span.items().get(0);
                results[item.index()] = PropertyValue.failed(item.request().name(), refused(item, e));
                return;
            }
            for (Item item : span.items()) {
                readSpan(new Span(span.register(), item.visitor().offset(), item.visitor().end(), List.of(item)),
                        results);
            }
        }
    }

    private PropertyValue decode(Item item, ModbusResponse response, int base) {
        String name = item.request().name();
        try {
            ModbusVisitor visitor = item.visitor();
            int from = visitor.offset() - base;
            String value = visitor.register().bits()
                    ? RegisterCodec.decodeBits(bits(response, from, visitor.limit()), visitor, item.type())
                    : RegisterCodec.decodeWords(words(response, from, visitor.limit()), visitor, item.type());
            return PropertyValue.of(name, value, item.request().type());
        } catch (RuntimeException e) {
            return PropertyValue.failed(name, "property " + name + ": " + ModbusConnection.message(e));
        }
    }

    @Override
    protected String readValue(PropertyRequest request) throws PropertyException, DriverException {
        List<PropertyValue> values = read(List.of(request));
        PropertyValue value = values.get(0);
        if (!value.ok()) {
            throw new PropertyException(value.error());
        }
        return value.value();
    }

    @Override
    protected String writeValue(PropertyRequest target, String value) throws PropertyException, DriverException {
        ModbusVisitor visitor = visitor(target);
        String type = visitor.typeFor(target.type());
        if (!visitor.register().writable()) {
            throw new PropertyException("property " + target.name() + ": " + visitor.register().wireName()
                    + " is read-only; only CoilRegister and HoldingRegister can be written");
        }
        ModbusRequest request;
        try {
            request = visitor.register().bits()
                    ? coilWrite(visitor, RegisterCodec.encodeBits(value, visitor, type))
                    : registerWrite(visitor, RegisterCodec.encodeWords(value, visitor, type));
        } catch (IllegalArgumentException e) {
            throw new PropertyException("property " + target.name() + ": cannot write '" + value + "': "
                    + e.getMessage());
        }
        try {
            execute(request);
        } catch (ModbusSlaveException e) {
            throw new PropertyException("property " + target.name() + ": the device refused the write: "
                    + ModbusConnection.message(e));
        }
        try {
            return readValue(target);
        } catch (PropertyException e) {
            return null; // written, but not readable back: the written value is assumed
        }
    }

    @Override
    protected void onClose() {
        connection.close();
    }

    private ModbusResponse execute(ModbusRequest request) throws ModbusSlaveException, DriverException {
        ensureOpen();
        try {
            return connection.execute(request);
        } catch (ModbusConnection.ConnectionFailure e) {
            ensureOpen();
            throw new DriverException(StateDetail.COMMUNICATION_ERROR, e.getMessage(), e.getCause());
        }
    }

    private ModbusVisitor visitor(PropertyRequest request) throws PropertyException {
        Object cached = visitors.computeIfAbsent(request.name(), name -> {
            try {
                return request.configAs(ModbusVisitor.class);
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        });
        if (cached instanceof ModbusVisitor visitor) {
            return visitor;
        }
        throw new PropertyException(StateDetail.CONFIGURATION_ERROR, (String) cached);
    }

    private static ModbusRequest readRequest(RegisterType register, int offset, int count) {
        return switch (register) {
            case COIL -> new ReadCoilsRequest(offset, count);
            case DISCRETE_INPUT -> new ReadInputDiscretesRequest(offset, count);
            case INPUT -> new ReadInputRegistersRequest(offset, count);
            case HOLDING -> new ReadMultipleRegistersRequest(offset, count);
        };
    }

    private static ModbusRequest coilWrite(ModbusVisitor visitor, boolean[] bits) {
        if (bits.length == 1) {
            return new WriteCoilRequest(visitor.offset(), bits[0]);
        }
        WriteMultipleCoilsRequest request = new WriteMultipleCoilsRequest(visitor.offset(), bits.length);
        for (int i = 0; i < bits.length; i++) {
            request.setCoilStatus(i, bits[i]);
        }
        return request;
    }

    private static ModbusRequest registerWrite(ModbusVisitor visitor, int[] words) {
        if (words.length == 1) {
            return new WriteSingleRegisterRequest(visitor.offset(), new SimpleRegister(words[0]));
        }
        Register[] registers = new Register[words.length];
        for (int i = 0; i < words.length; i++) {
            registers[i] = new SimpleRegister(words[i]);
        }
        return new WriteMultipleRegistersRequest(visitor.offset(), registers);
    }

    private static boolean[] bits(ModbusResponse response, int from, int count) {
        boolean[] bits = new boolean[count];
        for (int i = 0; i < count; i++) {
            bits[i] = response instanceof ReadCoilsResponse coils
                    ? coils.getCoilStatus(from + i)
                    : ((ReadInputDiscretesResponse) response).getDiscreteStatus(from + i);
        }
        return bits;
    }

    private static int[] words(ModbusResponse response, int from, int count) {
        int[] words = new int[count];
        for (int i = 0; i < count; i++) {
            words[i] = (response instanceof ReadMultipleRegistersResponse holding
                    ? holding.getRegisterValue(from + i)
                    : ((ReadInputRegistersResponse) response).getRegisterValue(from + i)) & 0xFFFF;
        }
        return words;
    }

    private static String refused(Item item, ModbusSlaveException e) {
        return "property " + item.request().name() + ": the device refused to read " + item.visitor().register()
                .wireName() + " " + item.visitor().offset() + "+" + item.visitor().limit() + ": "
                + ModbusConnection.message(e);
    }
}
