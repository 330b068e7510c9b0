package io.karedge.shell.internal;

import java.util.Locale;

/** The {@code -o} values of {@code edge:get}. */
enum OutputFormat {
    TABLE, WIDE, JSON, YAML;

    static final String ALLOWED = "json, wide, yaml";

    /**
     * @param value what the user gave to {@code -o}, or {@code null} for the default table
     * @throws GetException for anything else, in kubectl's wording
     */
    static OutputFormat parse(String value) throws GetException {
        if (value == null || value.isEmpty()) {
            return TABLE;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "wide" -> WIDE;
            case "json" -> JSON;
            case "yaml" -> YAML;
            default -> throw new GetException("error: unable to match a printer suitable for the output format \""
                    + value + "\", allowed formats are: " + ALLOWED);
        };
    }
}
