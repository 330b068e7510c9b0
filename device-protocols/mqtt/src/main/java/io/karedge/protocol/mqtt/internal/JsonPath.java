package io.karedge.protocol.mqtt.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of JSONPath that names one value: {@code $.a.b}, {@code a.b}, {@code $.list[0].x},
 * {@code $['key with.dots']}. No wildcards, filters or recursive descent.
 */
final class JsonPath {

    private final String text;
    private final List<Object> steps;

    private JsonPath(String text, List<Object> steps) {
        this.text = text;
        this.steps = steps;
    }

    /** A path of one field, taken literally (the {@code key} setting). */
    static JsonPath key(String key) {
        return new JsonPath(key, List.of(key));
    }

    /** @throws IllegalArgumentException naming the position of the problem */
    static JsonPath parse(String path) {
        List<Object> steps = new ArrayList<>();
        int i = 0;
        int n = path.length();
        if (path.startsWith("$")) {
            i = 1;
        } else {
            i = readName(path, 0, steps);
        }
        while (i < n) {
            char c = path.charAt(i);
            if (c == '.') {
                if (i + 1 >= n) {
                    throw problem(path, i, "a name must follow '.'");
                }
                i = readName(path, i + 1, steps);
            } else if (c == '[') {
                i = readBracket(path, i, steps);
            } else {
                throw problem(path, i, "expected '.' or '['");
            }
        }
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("jsonPath '" + path + "' names no field");
        }
        return new JsonPath(path, List.copyOf(steps));
    }

    private static int readName(String path, int start, List<Object> steps) {
        int i = start;
        while (i < path.length() && path.charAt(i) != '.' && path.charAt(i) != '[') {
            char c = path.charAt(i);
            if (c == '*' || c == '?' || c == '@' || c == ']' || c == '\'' || c == '"') {
                throw problem(path, i, "'" + c + "' is not supported (only plain names, indexes and ['quoted'] names)");
            }
            i++;
        }
        if (i == start) {
            throw problem(path, start, "empty name");
        }
        steps.add(path.substring(start, i));
        return i;
    }

    private static int readBracket(String path, int open, List<Object> steps) {
        int close;
        if (open + 1 < path.length() && (path.charAt(open + 1) == '\'' || path.charAt(open + 1) == '"')) {
            char quote = path.charAt(open + 1);
            int end = path.indexOf(quote, open + 2);
            if (end < 0 || end + 1 >= path.length() || path.charAt(end + 1) != ']') {
                throw problem(path, open, "unterminated [" + quote + "name" + quote + "]");
            }
            steps.add(path.substring(open + 2, end));
            return end + 2;
        }
        close = path.indexOf(']', open);
        if (close < 0) {
            throw problem(path, open, "missing ']'");
        }
        String index = path.substring(open + 1, close).trim();
        try {
            int value = Integer.parseInt(index);
            if (value < 0) {
                throw problem(path, open, "negative index");
            }
            steps.add(value);
        } catch (NumberFormatException e) {
            throw problem(path, open, "'" + index + "' is not an array index");
        }
        return close + 1;
    }

    private static IllegalArgumentException problem(String path, int at, String message) {
        return new IllegalArgumentException("jsonPath '" + path + "' at " + at + ": " + message);
    }

    /** @return the value at this path, or null when the document has nothing there */
    JsonNode find(JsonNode document) {
        JsonNode node = document;
        for (Object step : steps) {
            if (node == null) {
                return null;
            }
            node = step instanceof Integer index ? (node.isArray() ? node.get(index) : null)
                    : (node.isObject() ? node.get((String) step) : null);
        }
        return node == null || node.isMissingNode() ? null : node;
    }

    @Override
    public String toString() {
        return text;
    }
}
