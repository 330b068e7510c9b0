package io.karedge.protocol.modbus.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How one property maps onto the device: its {@code visitors.configData}, with KubeEdge's modbus keys
 * {@code register}, {@code offset}, {@code limit}, {@code scale}, {@code isSwap} and {@code isRegisterSwap},
 * and the optional {@code dataType} (otherwise the model's type is used).
 *
 * @param register      which table
 * @param offset        the zero-based address of the first entry (0..65535)
 * @param limit         how many entries (words or bits) the property spans
 * @param scale         the factor from raw to reported value (a 0 or absent scale means 1, as in KubeEdge)
 * @param swapBytes     {@code isSwap}: swap the two bytes of every word
 * @param swapRegisters {@code isRegisterSwap}: reverse the order of the words (low word first)
 * @param dataType      the visitor's {@code dataType} in lower case, or null
 */
record ModbusVisitor(RegisterType register, int offset, int limit, BigDecimal scale, boolean swapBytes,
                     boolean swapRegisters, String dataType) {

    static final Set<String> KNOWN = Set.of("register", "offset", "limit", "scale", "isSwap", "isRegisterSwap",
            "dataType");
    static final List<String> TYPES = List.of("int", "float", "double", "boolean", "string", "bytes");

    static ModbusVisitor parse(String property, ObjectNode configData) {
        ConfigValues config = new ConfigValues("property " + property + " visitors.configData", configData);
        config.rejectUnknown(KNOWN);
        String registerName = config.text("register");
        if (registerName == null) {
            throw config.fail("register is missing; use one of " + RegisterType.names());
        }
        RegisterType register = RegisterType.of(registerName);
        if (register == null) {
            throw config.fail("unknown register type '" + registerName + "'; use one of " + RegisterType.names());
        }
        if (!config.has("offset")) {
            throw config.fail("offset (the zero-based address) is missing");
        }
        long offset = config.integer("offset", 0);
        if (offset < 0 || offset > 65535) {
            throw config.fail("offset must be between 0 and 65535, not " + offset);
        }
        long limit = config.integer("limit", 1);
        if (limit < 1) {
            throw config.fail("limit must be at least 1, not " + limit);
        }
        if (limit > register.maxPerRead()) {
            throw config.fail("limit " + limit + " is more than one request can read from " + register.wireName()
                    + " (" + register.maxPerRead() + ")");
        }
        if (offset + limit > 65536) {
            throw config.fail("offset " + offset + " + limit " + limit + " runs past address 65535");
        }
        BigDecimal scale = config.decimal("scale");
        if (scale == null || scale.signum() == 0) {
            scale = BigDecimal.ONE;
        }
        boolean swapBytes = config.bool("isSwap", false);
        boolean swapRegisters = config.bool("isRegisterSwap", false);
        if (register.bits() && (swapBytes || swapRegisters)) {
            throw config.fail("isSwap and isRegisterSwap apply to registers, not to " + register.wireName());
        }
        String dataType = config.text("dataType");
        if (dataType != null) {
            dataType = dataType.toLowerCase(Locale.ROOT);
            if (!TYPES.contains(dataType)) {
                throw config.fail("unknown dataType '" + dataType + "'; use one of " + String.join(", ", TYPES));
            }
        }
        ModbusVisitor visitor = new ModbusVisitor(register, (int) offset, (int) limit, scale, swapBytes,
                swapRegisters, dataType);
        if (dataType != null) {
            String problem = RegisterCodec.checkShape(visitor, dataType);
            if (problem != null) {
                throw config.fail(problem);
            }
        }
        return visitor;
    }

    /** @return the type the value is decoded as: the visitor's {@code dataType}, else the model's type */
    String typeFor(String modelType) {
        return dataType != null ? dataType : modelType;
    }

    int end() {
        return offset + limit;
    }
}
