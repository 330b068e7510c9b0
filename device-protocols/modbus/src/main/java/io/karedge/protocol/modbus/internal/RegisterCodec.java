package io.karedge.protocol.modbus.internal;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Turns register contents into twin values and back. Words are unsigned 16-bit values ({@code 0..65535}),
 * in address order as they come off the wire; bits are in address order.
 *
 * <p>Word layout: big-endian, first register = most significant word. {@code isRegisterSwap} reverses the
 * order of the words (for devices that send the low word first), {@code isSwap} swaps the two bytes of every
 * word. Both are their own inverse, so writes apply them the same way.
 *
 * <p>Types by {@code limit} for registers: {@code int} is int16/int32/int64 for 1/2/4 words (signed, two's
 * complement); {@code float} and {@code double} are a scaled int16 for 1 word, IEEE float32 for 2 and float64
 * for 4; {@code boolean} is true when any bit is set; {@code string} is UTF-8 text with trailing NUL bytes
 * removed; {@code bytes} is lower-case hex. For coils and discrete inputs: {@code boolean} needs limit 1;
 * {@code int}, {@code float} and {@code double} pack the bits into an unsigned number (first address = bit 0);
 * {@code string} and {@code bytes} are a text of 0 and 1, one per address.
 *
 * <p>The scale multiplies the raw value when reading and divides the value when writing, in decimal
 * arithmetic (so 250 with scale 0.1 is exactly {@code 25}). Numbers are written without exponent and without
 * trailing zeros; {@code int} values are rounded half-up after scaling.
 *
 * <p>Errors are {@link IllegalArgumentException}s with a message for people.
 */
final class RegisterCodec {

    private static final BigDecimal INT16_MIN = BigDecimal.valueOf(Short.MIN_VALUE);
    private static final BigDecimal UINT16_MAX = BigDecimal.valueOf(0xFFFF);
    private static final BigDecimal INT32_MIN = BigDecimal.valueOf(Integer.MIN_VALUE);
    private static final BigDecimal UINT32_MAX = BigDecimal.valueOf(0xFFFF_FFFFL);
    private static final BigDecimal INT64_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
    private static final BigDecimal INT64_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    private RegisterCodec() {
    }

    /** @return why {@code type} cannot be stored in the visitor's entries, or null if it can */
    static String checkShape(ModbusVisitor visitor, String type) {
        return checkShape(visitor.register(), visitor.limit(), type);
    }

    /** @return why {@code type} cannot be stored in {@code limit} entries of {@code register}, or null if it can */
    static String checkShape(RegisterType register, int limit, String type) {
        if (register.bits()) {
            return switch (type) {
                case "boolean" -> limit == 1 ? null : "a boolean needs limit 1 on " + register.wireName()
                        + ", not " + limit;
                case "int", "float", "double" -> limit <= 63 ? null : "at most 63 bits can be read as a number, not "
                        + limit;
                case "string", "bytes" -> null;
                default -> "type '" + type + "' is not supported";
            };
        }
        return switch (type) {
            case "int", "float", "double" -> limit == 1 || limit == 2 || limit == 4 ? null
                    : "type " + type + " needs limit 1, 2 or 4 (16, 32 or 64 bits), not " + limit;
            case "boolean", "string", "bytes" -> null;
            default -> "type '" + type + "' is not supported";
        };
    }

    /** Applies {@code isRegisterSwap} and then {@code isSwap}; returns a new array. */
    static int[] swap(int[] words, boolean swapBytes, boolean swapRegisters) {
        int[] out = new int[words.length];
        for (int i = 0; i < words.length; i++) {
            int word = words[swapRegisters ? words.length - 1 - i : i] & 0xFFFF;
            out[i] = swapBytes ? ((word & 0xFF) << 8) | (word >>> 8) : word;
        }
        return out;
    }

    static String decodeWords(int[] raw, ModbusVisitor visitor, String type) {
        require(checkShape(visitor, type));
        if (raw.length != visitor.limit()) {
            throw new IllegalArgumentException("expected " + visitor.limit() + " registers, got " + raw.length);
        }
        int[] words = swap(raw, visitor.swapBytes(), visitor.swapRegisters());
        return switch (type) {
            case "int" -> formatInteger(BigDecimal.valueOf(signed(words)).multiply(visitor.scale()));
            case "float", "double" -> formatDecimal(number(words, type).multiply(visitor.scale()));
            case "boolean" -> Boolean.toString(anySet(words));
            case "string" -> text(words);
            case "bytes" -> HexFormat.of().formatHex(bytes(words));
            default -> throw new IllegalArgumentException("type '" + type + "' is not supported");
        };
    }

    static int[] encodeWords(String value, ModbusVisitor visitor, String type) {
        require(checkShape(visitor, type));
        int limit = visitor.limit();
        int[] words = switch (type) {
            case "int" -> fromLong(integral(unscaled(value, visitor), limit), limit);
            case "float", "double" -> fromNumber(unscaled(value, visitor), limit);
            case "boolean" -> {
                int[] out = new int[limit];
                out[limit - 1] = parseBoolean(value) ? 1 : 0;
                yield out;
            }
            case "string" -> fromBytes(value.getBytes(StandardCharsets.UTF_8), limit, "text");
            case "bytes" -> fromBytes(parseHex(value), limit, "bytes");
            default -> throw new IllegalArgumentException("type '" + type + "' is not supported");
        };
        return swap(words, visitor.swapBytes(), visitor.swapRegisters());
    }

    static String decodeBits(boolean[] bits, ModbusVisitor visitor, String type) {
        require(checkShape(visitor, type));
        if (bits.length != visitor.limit()) {
            throw new IllegalArgumentException("expected " + visitor.limit() + " bits, got " + bits.length);
        }
        return switch (type) {
            case "boolean" -> Boolean.toString(bits[0]);
            case "int" -> formatInteger(BigDecimal.valueOf(packBits(bits)).multiply(visitor.scale()));
            case "float", "double" -> formatDecimal(BigDecimal.valueOf(packBits(bits)).multiply(visitor.scale()));
            case "string", "bytes" -> {
                StringBuilder text = new StringBuilder(bits.length);
                for (boolean bit : bits) {
                    text.append(bit ? '1' : '0');
                }
                yield text.toString();
            }
            default -> throw new IllegalArgumentException("type '" + type + "' is not supported");
        };
    }

    static boolean[] encodeBits(String value, ModbusVisitor visitor, String type) {
        require(checkShape(visitor, type));
        int limit = visitor.limit();
        boolean[] bits = new boolean[limit];
        switch (type) {
            case "boolean" -> bits[0] = parseBoolean(value);
            case "int", "float", "double" -> {
                BigDecimal raw = unscaled(value, visitor);
                long number = integral(raw, 4);
                if (number < 0 || (limit < 63 && number >= (1L << limit))) {
                    throw new IllegalArgumentException(plain(raw) + " does not fit in " + limit + " bits");
                }
                for (int i = 0; i < limit; i++) {
                    bits[i] = ((number >>> i) & 1) == 1;
                }
            }
            case "string", "bytes" -> {
                String text = value.trim();
                if (text.length() != limit || !text.matches("[01]*")) {
                    throw new IllegalArgumentException("expected " + limit + " characters of 0 and 1, got '" + value
                            + "'");
                }
                for (int i = 0; i < limit; i++) {
                    bits[i] = text.charAt(i) == '1';
                }
            }
            default -> throw new IllegalArgumentException("type '" + type + "' is not supported");
        }
        return bits;
    }

    static boolean parseBoolean(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "on" -> true;
            case "false", "0", "off" -> false;
            default -> throw new IllegalArgumentException("'" + value + "' is not a boolean (true/false, 1/0, on/off)");
        };
    }

    // ---------------------------------------------------------------- decoding helpers

    private static long signed(int[] words) {
        return switch (words.length) {
            case 1 -> (short) words[0];
            case 2 -> (words[0] << 16) | words[1];
            default -> ((long) words[0] << 48) | ((long) words[1] << 32) | ((long) words[2] << 16) | words[3];
        };
    }

    private static BigDecimal number(int[] words, String type) {
        return switch (words.length) {
            case 1 -> BigDecimal.valueOf((short) words[0]);
            case 2 -> {
                float f = Float.intBitsToFloat((int) signed(words));
                if (!Float.isFinite(f)) {
                    throw new IllegalArgumentException("the registers hold " + f + ", not a finite " + type);
                }
                yield new BigDecimal(Float.toString(f));
            }
            default -> {
                double d = Double.longBitsToDouble(signed(words));
                if (!Double.isFinite(d)) {
                    throw new IllegalArgumentException("the registers hold " + d + ", not a finite " + type);
                }
                yield BigDecimal.valueOf(d);
            }
        };
    }

    private static boolean anySet(int[] words) {
        for (int word : words) {
            if (word != 0) {
                return true;
            }
        }
        return false;
    }

    private static byte[] bytes(int[] words) {
        byte[] out = new byte[words.length * 2];
        for (int i = 0; i < words.length; i++) {
            out[2 * i] = (byte) (words[i] >>> 8);
            out[2 * i + 1] = (byte) words[i];
        }
        return out;
    }

    private static String text(int[] words) {
        byte[] raw = bytes(words);
        int end = raw.length;
        while (end > 0 && raw[end - 1] == 0) {
            end--;
        }
        return new String(raw, 0, end, StandardCharsets.UTF_8);
    }

    private static long packBits(boolean[] bits) {
        long value = 0;
        for (int i = 0; i < bits.length; i++) {
            if (bits[i]) {
                value |= 1L << i;
            }
        }
        return value;
    }

    static String formatInteger(BigDecimal value) {
        return value.setScale(0, RoundingMode.HALF_UP).toBigInteger().toString();
    }

    static String formatDecimal(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.signum() == 0 ? "0" : stripped.toPlainString();
    }

    private static String plain(BigDecimal value) {
        return formatDecimal(value);
    }

    // ---------------------------------------------------------------- encoding helpers

    private static BigDecimal unscaled(String value, ModbusVisitor visitor) {
        String text = value.trim();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty value: nothing to write");
        }
        BigDecimal number;
        try {
            number = new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + value + "' is not a number");
        }
        return visitor.scale().compareTo(BigDecimal.ONE) == 0 ? number
                : number.divide(visitor.scale(), MathContext.DECIMAL128);
    }

    /** Rounds half-up and checks the range of a {@code words}-register integer (unsigned values allowed). */
    private static long integral(BigDecimal raw, int words) {
        BigDecimal rounded = raw.setScale(0, RoundingMode.HALF_UP);
        BigDecimal min = words == 1 ? INT16_MIN : words == 2 ? INT32_MIN : INT64_MIN;
        BigDecimal max = words == 1 ? UINT16_MAX : words == 2 ? UINT32_MAX : INT64_MAX;
        if (rounded.compareTo(min) < 0 || rounded.compareTo(max) > 0) {
            throw new IllegalArgumentException(plain(raw) + " does not fit in " + (16 * words) + " bits");
        }
        return rounded.longValueExact();
    }

    private static int[] fromLong(long value, int limit) {
        int[] out = new int[limit];
        for (int i = 0; i < limit; i++) {
            out[limit - 1 - i] = (int) ((value >>> (16 * i)) & 0xFFFF);
        }
        return out;
    }

    private static int[] fromNumber(BigDecimal raw, int limit) {
        return switch (limit) {
            case 1 -> fromLong(integral(raw, 1), 1);
            case 2 -> {
                float f = raw.floatValue();
                if (!Float.isFinite(f)) {
                    throw new IllegalArgumentException(plain(raw) + " does not fit in a float32");
                }
                yield fromLong(Float.floatToIntBits(f), 2);
            }
            default -> fromLong(Double.doubleToLongBits(raw.doubleValue()), 4);
        };
    }

    private static int[] fromBytes(byte[] data, int limit, String what) {
        if (data.length > limit * 2) {
            throw new IllegalArgumentException("the " + what + " takes " + data.length + " bytes; " + limit
                    + " registers hold " + (limit * 2));
        }
        int[] out = new int[limit];
        for (int i = 0; i < data.length; i++) {
            out[i / 2] |= (data[i] & 0xFF) << (i % 2 == 0 ? 8 : 0);
        }
        return out;
    }

    private static byte[] parseHex(String value) {
        try {
            return HexFormat.of().parseHex(value.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + value + "' is not hex bytes");
        }
    }

    private static void require(String problem) {
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }
}
