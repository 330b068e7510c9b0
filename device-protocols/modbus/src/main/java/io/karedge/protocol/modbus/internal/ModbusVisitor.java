package io.karedge.protocol.modbus.internal;

import io.karedge.device.driver.ConfigKey;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

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
record ModbusVisitor(@ConfigKey(required = true, hint = "one of CoilRegister, DiscreteInputRegister, InputRegister, "
                             + "HoldingRegister") RegisterType register,
                     @ConfigKey(required = true, min = 0, max = 65535, hint = "the zero-based address") int offset,
                     @ConfigKey(min = 1) int limit,
                     BigDecimal scale,
                     @ConfigKey("isSwap") boolean swapBytes,
                     @ConfigKey("isRegisterSwap") boolean swapRegisters,
                     String dataType) {

    static final List<String> TYPES = List.of("int", "float", "double", "boolean", "string", "bytes");
    static final ModbusVisitor DEFAULTS = new ModbusVisitor(RegisterType.HOLDING, 0, 1, BigDecimal.ONE, false, false,
            null);

    ModbusVisitor {
        if (scale == null || scale.signum() == 0) {
            scale = BigDecimal.ONE;
        }
        if (limit > register.maxPerRead()) {
            throw new IllegalArgumentException("limit " + limit + " is more than one request can read from "
                    + register.wireName() + " (" + register.maxPerRead() + ")");
        }
        if (offset + limit > 65536) {
            throw new IllegalArgumentException("offset " + offset + " + limit " + limit + " runs past address 65535");
        }
        if (register.bits() && (swapBytes || swapRegisters)) {
            throw new IllegalArgumentException("isSwap and isRegisterSwap apply to registers, not to "
                    + register.wireName());
        }
        if (dataType != null) {
            dataType = dataType.toLowerCase(Locale.ROOT);
            if (!TYPES.contains(dataType)) {
                throw new IllegalArgumentException("dataType must be one of " + String.join(", ", TYPES) + ", not '"
                        + dataType + "'");
            }
            String problem = RegisterCodec.checkShape(register, limit, dataType);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
        }
    }

    /** @return the type the value is decoded as: the visitor's {@code dataType}, else the model's type */
    String typeFor(String modelType) {
        return dataType != null ? dataType : modelType;
    }

    int end() {
        return offset + limit;
    }
}
