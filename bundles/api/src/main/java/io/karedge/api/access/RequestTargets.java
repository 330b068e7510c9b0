package io.karedge.api.access;

import java.util.Locale;

/**
 * Checks of a request's raw target (path and query as sent) that every server of the node makes before
 * routing: a target that cannot be decoded, or that could mean another path than it shows, is a 400.
 */
public final class RequestTargets {

    private RequestTargets() {
    }

    /** @return why the raw path is refused, or {@code null} when it is fine */
    public static String pathProblem(String rawPath) {
        if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            return "the path must start with /";
        }
        String problem = characters(rawPath, "path");
        if (problem != null) {
            return problem;
        }
        String lower = rawPath.toLowerCase(Locale.ROOT);
        if (lower.contains("%2f") || lower.contains("%5c") || lower.contains("%2e") || lower.contains("%00")) {
            return "the path must not encode '/', '\\\\', '.' or NUL";
        }
        for (String segment : rawPath.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return "the path must not contain . or .. segments";
            }
        }
        return null;
    }

    /** @return why the raw query string is refused, or {@code null} when it is fine (or absent) */
    public static String queryProblem(String rawQuery) {
        return rawQuery == null ? null : characters(rawQuery, "query string");
    }

    private static String characters(String raw, String what) {
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\\') {
                return "the " + what + " must not contain a backslash";
            }
            if (c < 0x21 || c == 0x7f) {
                return "the " + what + " must not contain spaces or control characters";
            }
            if (c == '%') {
                if (i + 2 >= raw.length() || hex(raw.charAt(i + 1)) < 0 || hex(raw.charAt(i + 2)) < 0) {
                    return "the " + what + " has a malformed percent-escape at position " + i;
                }
                i += 2;
            }
        }
        return null;
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
