package io.karedge.edge.stream.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.json.KaredgeJson;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The payload of a {@code *_CONNECT} message: the API server's request to the kubelet as the cloud received
 * it, in JSON ({@code {"MessID":7,"url":{"Scheme":"http","Host":"127.0.0.1:10350","Path":"/containerLogs/ns/pod/c",
 * "RawQuery":"follow=true"},"header":{"Name":["value"]},"method":"POST"}}; {@code method} for exec and
 * attach only).
 *
 * @param path    the kubelet path, decoded ({@code /containerLogs/<ns>/<pod>/<container>},
 *                {@code /exec/<ns>/<pod>/<container>}, {@code /attach/...})
 * @param query   the query parameters, decoded; a repeated one (exec's {@code command}) keeps every value
 */
record ConnectRequest(long messageId, String method, String path, String rawQuery, Map<String, List<String>> query,
                      Map<String, List<String>> headers) {

    /** @throws IllegalArgumentException if the payload is not such a request */
    static ConnectRequest parse(byte[] payload) {
        JsonNode json;
        try {
            json = KaredgeJson.mapper().readTree(payload);
        } catch (IOException e) {
            throw new IllegalArgumentException("the connect request is not JSON: " + e.getMessage());
        }
        if (json == null || !json.isObject() || !json.path("url").isObject()) {
            throw new IllegalArgumentException("the connect request has no url");
        }
        JsonNode url = json.path("url");
        String path = url.path("Path").asText("");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("the connect request's url has no path");
        }
        String rawQuery = url.path("RawQuery").asText("");
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (!pair.isEmpty()) {
                int equals = pair.indexOf('=');
                String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
                String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                query.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            }
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        json.path("header").fields().forEachRemaining(entry -> {
            List<String> values = new ArrayList<>();
            entry.getValue().forEach(value -> values.add(value.asText()));
            headers.put(entry.getKey(), List.copyOf(values));
        });
        return new ConnectRequest(json.path("MessID").asLong(), json.path("method").asText("GET"), path, rawQuery,
                query, headers);
    }

    /** @return the path's segments after the first ({@code [ns, pod, container]}) */
    List<String> pathArguments() {
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                segments.add(URLDecoder.decode(segment, StandardCharsets.UTF_8));
            }
        }
        return segments.isEmpty() ? List.of() : segments.subList(1, segments.size());
    }

    String first(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    boolean flag(String name) {
        String value = first(name);
        return value != null && (value.equals("true") || value.equals("1") || value.isEmpty());
    }
}
