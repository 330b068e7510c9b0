package io.karedge.protocol.opcua.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Locale;
import org.eclipse.milo.opcua.stack.core.OpcUaDataType;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UByte;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.ULong;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;

/** Conversions between OPC UA values and KubeEdge twin strings, and status code names for messages. */
final class Variants {

    private static final BigInteger ULONG_MAX = new BigInteger("18446744073709551615");

    private Variants() {
    }

    /**
     * @param variant a value read from the server
     * @param type    the model's type ({@code int}, {@code float}, {@code double}, {@code boolean}, {@code string},
     *                {@code bytes})
     * @return the twin string: numbers without exponent or trailing zeros, floats in their shortest form
     * @throws IllegalArgumentException if the value does not fit the type (an array, a structure, NaN ...)
     */
    static String toTwin(Variant variant, String type) {
        Object value = variant == null ? null : variant.getValue();
        if (value == null) {
            throw new IllegalArgumentException("the node holds no value (null)");
        }
        if (value.getClass().isArray()) {
            throw new IllegalArgumentException("the node holds an array; only scalar values are supported");
        }
        BigDecimal number = number(value);
        switch (type) {
            case "boolean":
                if (value instanceof Boolean b) {
                    return b.toString();
                }
                if (number != null) {
                    return Boolean.toString(number.signum() != 0);
                }
                return Boolean.toString(parseBoolean(text(value)));
            case "int":
                if (value instanceof Boolean b) {
                    return b ? "1" : "0";
                }
                BigDecimal integer = number != null ? number : new BigDecimal(text(value).trim());
                return integer.setScale(0, RoundingMode.HALF_UP).toPlainString();
            case "float":
            case "double":
                if (value instanceof Boolean b) {
                    return b ? "1" : "0";
                }
                return plain(number != null ? number : new BigDecimal(text(value).trim()));
            case "bytes":
                if (value instanceof ByteString bytes) {
                    return hex(bytes.bytesOrEmpty());
                }
                return text(value);
            default:
                if (number != null) {
                    return plain(number);
                }
                return text(value);
        }
    }

    /**
     * Turns a twin string into a value of the node's data type.
     *
     * @throws IllegalArgumentException if the text does not convert or does not fit the data type
     */
    static Variant fromTwin(String text, OpcUaDataType dataType) {
        String value = text == null ? "" : text.trim();
        try {
            return switch (dataType) {
                case Boolean -> Variant.ofBoolean(parseBoolean(value));
                case SByte -> Variant.ofSByte((byte) integer(value, Byte.MIN_VALUE, Byte.MAX_VALUE));
                case Int16 -> Variant.ofInt16((short) integer(value, Short.MIN_VALUE, Short.MAX_VALUE));
                case Int32 -> Variant.ofInt32((int) integer(value, Integer.MIN_VALUE, Integer.MAX_VALUE));
                case Int64 -> Variant.ofInt64(integer(value, Long.MIN_VALUE, Long.MAX_VALUE));
                case Byte -> Variant.ofByte(UByte.valueOf(integer(value, 0, UByte.MAX_VALUE)));
                case UInt16 -> Variant.ofUInt16(UShort.valueOf((int) integer(value, 0, UShort.MAX_VALUE)));
                case UInt32 -> Variant.ofUInt32(UInteger.valueOf(integer(value, 0, UInteger.MAX_VALUE)));
                case UInt64 -> Variant.ofUInt64(ULong.valueOf(unsigned64(value)));
                case Float -> Variant.ofFloat(finite(value, true).floatValue());
                case Double -> Variant.ofDouble(finite(value, false).doubleValue());
                case String -> Variant.ofString(text == null ? "" : text);
                case LocalizedText -> Variant.ofLocalizedText(LocalizedText.english(text == null ? "" : text));
                default -> throw new IllegalArgumentException("the node's data type " + dataType
                        + " cannot be written from a twin value");
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a number for data type " + dataType);
        }
    }

    /** @return e.g. {@code Bad_NodeIdUnknown (0x80340000)} */
    static String statusName(StatusCode status) {
        long code = status.getValue();
        String name = StatusCodes.lookup(code).map(d -> d[0]).orElse(status.isGood() ? "Good" : "Bad");
        return name + String.format(Locale.ROOT, " (0x%08X)", code);
    }

    private static long integer(String value, long min, long max) {
        BigDecimal number = new BigDecimal(value);
        BigDecimal whole = number.setScale(0, RoundingMode.HALF_UP);
        if (whole.compareTo(BigDecimal.valueOf(min)) < 0 || whole.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new IllegalArgumentException(value + " is out of range " + min + ".." + max);
        }
        return whole.longValueExact();
    }

    private static BigInteger unsigned64(String value) {
        BigInteger whole = new BigDecimal(value).setScale(0, RoundingMode.HALF_UP).toBigIntegerExact();
        if (whole.signum() < 0 || whole.compareTo(ULONG_MAX) > 0) {
            throw new IllegalArgumentException(value + " is out of range 0.." + ULONG_MAX);
        }
        return whole;
    }

    private static BigDecimal finite(String value, boolean single) {
        BigDecimal number = new BigDecimal(value);
        double d = number.doubleValue();
        if (Double.isInfinite(d) || (single && Float.isInfinite((float) d))) {
            throw new IllegalArgumentException(value + " is out of range for a " + (single ? "Float" : "Double"));
        }
        return number;
    }

    private static boolean parseBoolean(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "on" -> true;
            case "false", "0", "off" -> false;
            default -> throw new IllegalArgumentException("'" + value + "' is not a boolean (true/false, 1/0)");
        };
    }

    private static BigDecimal number(Object value) {
        if (value instanceof Float f) {
            if (f.isNaN() || f.isInfinite()) {
                throw new IllegalArgumentException("the node holds " + f);
            }
            return new BigDecimal(Float.toString(f));
        }
        if (value instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                throw new IllegalArgumentException("the node holds " + d);
            }
            return new BigDecimal(Double.toString(d));
        }
        if (value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long) {
            return BigDecimal.valueOf(((Number) value).longValue());
        }
        if (value instanceof UByte || value instanceof UShort || value instanceof UInteger || value instanceof ULong) {
            return new BigDecimal(value.toString());
        }
        return null;
    }

    private static String plain(BigDecimal number) {
        BigDecimal stripped = number.stripTrailingZeros();
        if (stripped.scale() < 0) {
            stripped = stripped.setScale(0);
        }
        return stripped.toPlainString();
    }

    private static String text(Object value) {
        if (value instanceof LocalizedText localized) {
            return localized.getText() == null ? "" : localized.getText();
        }
        if (value instanceof ByteString bytes) {
            return hex(bytes.bytesOrEmpty());
        }
        return value.toString();
    }

    private static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            out.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return out.toString();
    }
}
