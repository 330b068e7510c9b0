package io.karedge.twin.internal;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** The validation EdgeCore applies to every incoming twin: names, values and value types. */
final class TwinRules {

    static final String TYPE_STRING = "string";
    static final String TYPE_DELETED = "deleted";

    /** Letters, digits and {@code - _ . , : / @ #}; never {@code $}, so {@code $state} cannot be a twin. */
    private static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9_.,:/@#-]{1,128}$");
    private static final Pattern VALUE = Pattern.compile("^[a-zA-Z0-9_.,:/@#-]{1,512}$");
    private static final Set<String> TYPES = Set.of("", "string", "int", "integer", "float", "boolean", "deleted");

    private TwinRules() {
    }

    static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** @return null if the value may be stored for this type, else the reason */
    static String checkValue(String type, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (!VALUE.matcher(value).matches()) {
            return "the value " + Logs.clip(value) + " has characters or a length twin values may not have";
        }
        return checkType(type, value);
    }

    /** @return null if the type is allowed and the (non-empty) value parses as it, else the reason */
    static String checkType(String type, String value) {
        String checked = type == null ? "" : type;
        if (!TYPES.contains(checked)) {
            return "the value type is not allowed";
        }
        if (value == null || value.isEmpty()) {
            return null;
        }
        switch (checked) {
            case "int", "integer" -> {
                try {
                    Long.parseLong(value);
                    return null;
                } catch (NumberFormatException e) {
                    return "the value is not int or integer";
                }
            }
            case "float" -> {
                try {
                    Double.parseDouble(value);
                    return null;
                } catch (NumberFormatException e) {
                    return "the value is not float";
                }
            }
            case "boolean" -> {
                return "true".equals(value) || "false".equals(value) ? null : "the value is not true or false";
            }
            default -> {
                return null;
            }
        }
    }

    static boolean allowedType(String type) {
        return type != null && TYPES.contains(type);
    }

    /**
     * The twin type for a DeviceModel property type ({@code INT, FLOAT, DOUBLE, STRING, BOOLEAN, BYTES,
     * STREAM}): lower-cased like the mapper does, then mapped onto the types twins accept
     * ({@code double} to {@code float}, {@code bytes} and {@code stream} to {@code string}).
     */
    static String fromModelType(String modelType) {
        if (modelType == null || modelType.isBlank()) {
            return null;
        }
        String lower = modelType.trim().toLowerCase(Locale.ROOT);
        return switch (lower) {
            case "int", "integer" -> "int";
            case "float", "double" -> "float";
            case "boolean" -> "boolean";
            case "string", "bytes", "stream" -> TYPE_STRING;
            default -> null;
        };
    }
}
