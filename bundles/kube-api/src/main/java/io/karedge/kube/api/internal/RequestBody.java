package io.karedge.kube.api.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * The JSON body of a write, read within bounds: at most {@code maxBytes} (413 beyond: told by
 * {@code Content-Length} before anything is read, or found while reading a chunked body), UTF-8, nested at
 * most {@link #MAX_DEPTH} deep. Everything a client can get wrong is a {@link KubeStatusException} with a
 * one-line message.
 */
final class RequestBody {

    /** Deepest nesting of arrays and objects a body may have (a Pod needs about a dozen). */
    static final int MAX_DEPTH = 64;

    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private RequestBody() {
    }

    /** @return the media type of the request without parameters, lower-cased, or {@code ""} */
    static String mediaType(HttpExchange exchange) throws KubeStatusException {
        String header = exchange.getRequestHeaders().getFirst("Content-Type");
        if (header == null) {
            return "";
        }
        String[] parts = header.split(";");
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim().toLowerCase(Locale.ROOT);
            if (parameter.startsWith("charset=")) {
                String charset = parameter.substring("charset=".length()).replace("\"", "");
                if (!charset.equals("utf-8") && !charset.equals("utf8")) {
                    throw KubeStatusException.badRequest("charset \"" + Query.abbreviate(charset)
                            + "\" is not supported: send the body as UTF-8 JSON");
                }
            }
        }
        return parts[0].trim().toLowerCase(Locale.ROOT);
    }

    /**
     * A body this many times the limit is still read to its end (and dropped) before a 413 is sent, so that
     * the client, which writes its whole body before it reads an answer, gets the 413 rather than a reset
     * connection; a larger one is not read at all.
     */
    private static final int DRAIN_FACTOR = 4;

    /** @return the body as a tree, never {@code null} or missing */
    static JsonNode read(HttpExchange exchange, long maxBytes) throws KubeStatusException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null && !length.isBlank()) {
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                throw KubeStatusException.badRequest("Content-Length \"" + Query.abbreviate(length)
                        + "\" is not a number");
            }
            if (declared > maxBytes) {
                if (declared <= DRAIN_FACTOR * maxBytes) {
                    drain(exchange, declared);
                }
                throw tooLarge(exchange, maxBytes);
            }
        }
        byte[] bytes;
        try {
            InputStream in = exchange.getRequestBody();
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        } catch (IOException e) {
            throw KubeStatusException.badRequest("the body could not be read: " + oneLine(e.getMessage()));
        }
        if (bytes.length > maxBytes) {
            drain(exchange, (DRAIN_FACTOR - 1) * maxBytes);
            throw tooLarge(exchange, maxBytes);
        }
        JsonNode tree;
        try {
            tree = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw KubeStatusException.badRequest("the body is not valid JSON: " + oneLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw KubeStatusException.badRequest("the body could not be read: " + oneLine(e.getMessage()));
        }
        if (tree == null || tree.isMissingNode()) {
            throw KubeStatusException.badRequest("the request has no body: send the object as JSON");
        }
        return tree;
    }

    /** The answer closes the connection: what is left of the body is not read. */
    private static KubeStatusException tooLarge(HttpExchange exchange, long maxBytes) {
        exchange.getResponseHeaders().set("Connection", "close");
        return new KubeStatusException(413, "RequestEntityTooLarge", "the request body is larger than " + maxBytes
                + " bytes (request.body.max.bytes)");
    }

    private static void drain(HttpExchange exchange, long atMost) {
        try {
            InputStream in = exchange.getRequestBody();
            byte[] buffer = new byte[16 * 1024];
            long left = atMost;
            int n;
            while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
                left -= n;
            }
        } catch (IOException e) {
            // the client went away; the answer will not reach it either
        }
    }

    private static String oneLine(String text) {
        String line = String.valueOf(text).replaceAll("\\s+", " ").trim();
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
