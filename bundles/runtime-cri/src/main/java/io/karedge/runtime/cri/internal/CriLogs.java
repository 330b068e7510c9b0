package io.karedge.runtime.cri.internal;

import io.karedge.pod.LogChunk;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Container log files as the CRI runtime writes them: {@code <pod log dir>/<container>/<attempt>.log}, one
 * record a line, {@code <RFC 3339 time> <stdout|stderr> <F|P> <text>}; {@code P} marks a part of a longer
 * line that the next records continue.
 */
final class CriLogs {

    private static final Pattern ATTEMPT = Pattern.compile("(\\d+)\\.log");

    private CriLogs() {
    }

    /** @return the log file of the latest (or the one before, with {@code previous}) instance */
    static Optional<Path> file(Path containerDirectory, boolean previous) {
        if (!Files.isDirectory(containerDirectory)) {
            return Optional.empty();
        }
        List<Integer> attempts = new ArrayList<>();
        try (Stream<Path> files = Files.list(containerDirectory)) {
            files.forEach(f -> {
                Matcher matcher = ATTEMPT.matcher(f.getFileName().toString());
                if (matcher.matches()) {
                    attempts.add(Integer.parseInt(matcher.group(1)));
                }
            });
        } catch (IOException e) {
            return Optional.empty();
        }
        attempts.sort(null);
        int index = attempts.size() - (previous ? 2 : 1);
        return index < 0 ? Optional.empty() : Optional.of(containerDirectory.resolve(attempts.get(index) + ".log"));
    }

    /** Reads whole records from {@code offset} on, at most about {@code maxBytes}. */
    static LogChunk read(Path file, long offset, int maxBytes) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            long start = offset > length ? 0 : Math.max(0, offset);
            int size = (int) Math.min(Math.max(1024, maxBytes), length - start);
            byte[] bytes = new byte[Math.max(0, size)];
            in.seek(start);
            in.readFully(bytes);
            int end = bytes.length;
            while (end > 0 && bytes[end - 1] != '\n') {
                end--;
            }
            String text = new String(bytes, 0, end, StandardCharsets.UTF_8);
            return parse(text, start + end);
        }
    }

    /**
     * @return the text of each log line, partial records joined, with the time of each line's first record;
     *         without times if a record's time does not parse
     */
    static LogChunk parse(String text, long nextOffset) {
        List<String> lines = new ArrayList<>();
        List<Instant> times = new ArrayList<>();
        boolean timed = true;
        StringBuilder partial = new StringBuilder();
        Instant partialTime = null;
        for (String record : text.split("\n")) {
            if (record.isEmpty()) {
                continue;
            }
            int first = record.indexOf(' ');
            int second = first < 0 ? -1 : record.indexOf(' ', first + 1);
            if (second < 0) {
                lines.add(record);
                times.add(null);
                timed = false;
                continue;
            }
            Instant time = time(record.substring(0, first));
            timed &= time != null;
            int third = record.indexOf(' ', second + 1);
            String tag = third < 0 ? record.substring(second + 1) : record.substring(second + 1, third);
            String content = third < 0 ? "" : record.substring(third + 1);
            if (partial.length() == 0 && partialTime == null) {
                partialTime = time;
            }
            partial.append(content);
            if (!"P".equals(tag)) {
                lines.add(partial.toString());
                times.add(partialTime);
                partial.setLength(0);
                partialTime = null;
            }
        }
        if (partial.length() > 0) {
            lines.add(partial.toString());
            times.add(partialTime);
        }
        return new LogChunk(lines, nextOffset, true, timed ? times : List.of());
    }

    /** @return the text of each log line, partial records joined */
    static List<String> lines(String text) {
        return parse(text, 0).lines();
    }

    private static Instant time(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
