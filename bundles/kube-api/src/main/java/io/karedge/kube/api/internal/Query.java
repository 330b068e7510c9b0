package io.karedge.kube.api.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The parameters of a request's query string, decoded; the first of a repeated parameter counts. */
final class Query {

    private static final int MAX_QUERY_CHARS = 16 * 1024;

    private final Map<String, String> parameters;

    private Query(Map<String, String> parameters) {
        this.parameters = parameters;
    }

    static Query parse(String rawQuery) throws KubeStatusException {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return new Query(parameters);
        }
        if (rawQuery.length() > MAX_QUERY_CHARS) {
            throw KubeStatusException.badRequest("the query string is longer than " + MAX_QUERY_CHARS + " characters");
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
                String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                parameters.putIfAbsent(name, value);
            } catch (IllegalArgumentException e) {
                throw KubeStatusException.badRequest("the query string is not URL-encoded: " + e.getMessage());
            }
        }
        return new Query(parameters);
    }

    String get(String name) {
        return parameters.get(name);
    }

    boolean flag(String name) throws KubeStatusException {
        String value = parameters.get(name);
        if (value == null || value.isEmpty() || value.equals("false") || value.equals("0")) {
            return false;
        }
        if (value.equals("true") || value.equals("1")) {
            return true;
        }
        throw KubeStatusException.badRequest(name + ": Invalid value: \"" + value + "\": not a boolean");
    }

    /** @return the number, or {@code fallback} when the parameter is absent or empty */
    long number(String name, long fallback) throws KubeStatusException {
        String value = parameters.get(name);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw KubeStatusException.badRequest(name + ": Invalid value: \"" + abbreviate(value)
                    + "\": not an integer in the range of int64");
        }
    }

    static String abbreviate(String value) {
        return value.length() <= 64 ? value : value.substring(0, 64) + "...";
    }
}
