package io.karedge.pod;

import java.time.Instant;
import java.util.List;

/**
 * Part of a container log.
 *
 * @param lines      the log's lines, without the runtime's time, stream and tag prefix
 * @param nextOffset where to continue reading (to follow a log)
 * @param found      whether the container and its log exist
 * @param times      when each line was written, index for index with {@code lines}; empty when the runtime
 *                   keeps no time per line
 */
public record LogChunk(List<String> lines, long nextOffset, boolean found, List<Instant> times) {

    public LogChunk {
        lines = List.copyOf(lines);
        times = List.copyOf(times);
        if (!times.isEmpty() && times.size() != lines.size()) {
            throw new IllegalArgumentException("times has " + times.size() + " entries for " + lines.size()
                    + " lines");
        }
    }

    /** Lines without times. */
    public LogChunk(List<String> lines, long nextOffset, boolean found) {
        this(lines, nextOffset, found, List.of());
    }

    public static LogChunk missing() {
        return new LogChunk(List.of(), 0, false);
    }

    /** @return when line {@code index} was written, or {@code null} if the runtime keeps no time */
    public Instant time(int index) {
        return times.isEmpty() ? null : times.get(index);
    }
}
