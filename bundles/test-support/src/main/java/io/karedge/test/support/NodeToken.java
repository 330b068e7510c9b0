package io.karedge.test.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bearer token of a node from the distribution, as its user reads it: {@code <karaf.data>/karedge/api-token}
 * (made at the node's first start, mode 0600).
 */
public final class NodeToken {

    private NodeToken() {
    }

    public static Path file(Path karafData) {
        return karafData.resolve("karedge").resolve("api-token");
    }

    /** @return the token, trimmed; fails when the node has not made it */
    public static String read(Path karafData) {
        try {
            return Files.readString(file(karafData), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("no token file under " + karafData + " (has the node started?)", e);
        }
    }

    /** @return {@code Bearer <token>}, the Authorization header value */
    public static String bearer(Path karafData) {
        return "Bearer " + read(karafData);
    }
}
