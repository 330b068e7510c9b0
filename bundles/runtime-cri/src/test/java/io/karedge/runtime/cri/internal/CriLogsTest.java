package io.karedge.runtime.cri.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.karedge.pod.LogChunk;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CRI log records read back as lines with the time each was written. */
class CriLogsTest {

    @TempDir
    Path dir;

    @Test
    void eachLineKeepsItsRecordsTime() {
        LogChunk chunk = CriLogs.parse("""
                2026-12-06T02:30:00.123456789Z stdout F first
                2026-12-06T03:30:01.5+01:00 stderr F second
                2026-12-06T02:30:02Z stdout F\s
                """, 99);
        assertThat(chunk.lines()).containsExactly("first", "second", "");
        assertThat(chunk.time(0)).isEqualTo(Instant.parse("2026-12-06T02:30:00.123456789Z"));
        assertThat(chunk.time(1)).isEqualTo(Instant.parse("2026-12-06T02:30:01.5Z"));
        assertThat(chunk.time(2)).isEqualTo(Instant.parse("2026-12-06T02:30:02Z"));
        assertThat(chunk.nextOffset()).isEqualTo(99);
        assertThat(chunk.found()).isTrue();
    }

    @Test
    void aLineMadeOfPartsHasTheTimeOfItsFirstPart() {
        LogChunk chunk = CriLogs.parse("""
                2026-12-06T02:30:00Z stdout P long\s
                2026-12-06T02:30:03Z stdout P line\s
                2026-12-06T02:30:04Z stdout F end
                2026-12-06T02:30:05Z stdout F next
                2026-12-06T02:30:06Z stdout P unfinished
                """, 0);
        assertThat(chunk.lines()).containsExactly("long line end", "next", "unfinished");
        assertThat(chunk.times()).containsExactly(Instant.parse("2026-12-06T02:30:00Z"),
                Instant.parse("2026-12-06T02:30:05Z"), Instant.parse("2026-12-06T02:30:06Z"));
    }

    @Test
    void aRecordWhoseTimeDoesNotParseLeavesTheChunkWithoutTimes() {
        LogChunk chunk = CriLogs.parse("""
                2026-12-06T02:30:00Z stdout F fine
                yesterday stdout F odd
                garbage
                """, 0);
        assertThat(chunk.lines()).containsExactly("fine", "odd", "garbage");
        assertThat(chunk.times()).isEmpty();
        assertThat(chunk.time(0)).isNull();
    }

    @Test
    void readingStopsAtTheLastWholeRecordAndGoesOnFromThere() throws IOException {
        Path file = dir.resolve("0.log");
        Files.writeString(file, "2026-12-06T02:30:00Z stdout F one\n2026-12-06T02:30:01Z stdout F tw",
                StandardCharsets.UTF_8);
        LogChunk first = CriLogs.read(file, 0, 4096);
        assertThat(first.lines()).containsExactly("one");
        assertThat(first.times()).containsExactly(Instant.parse("2026-12-06T02:30:00Z"));
        Files.writeString(file, "o\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        LogChunk second = CriLogs.read(file, first.nextOffset(), 4096);
        assertThat(second.lines()).containsExactly("two");
        assertThat(second.times()).containsExactly(Instant.parse("2026-12-06T02:30:01Z"));
    }
}
