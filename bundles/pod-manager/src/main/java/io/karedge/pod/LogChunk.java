package io.karedge.pod;

import java.util.List;

/**
 * Part of a container log.
 *
 * @param lines      the log's lines, without the runtime's time, stream and tag prefix
 * @param nextOffset where to continue reading (to follow a log)
 * @param found      whether the container and its log exist
 */
public record LogChunk(List<String> lines, long nextOffset, boolean found) {

    public LogChunk {
        lines = List.copyOf(lines);
    }

    public static LogChunk missing() {
        return new LogChunk(List.of(), 0, false);
    }
}
