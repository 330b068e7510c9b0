package io.karedge.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.karedge.pod.LogChunk;
import io.karedge.pod.PodInfo;
import io.karedge.pod.PodManagerStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class PodLogPrinterTest {

    /** A pod manager with one pod {@code default/web}, container {@code main}, whose log grows by line index. */
    static final class GrowingLog implements PodManagerStatus {

        final List<String> log = new CopyOnWriteArrayList<>();
        final List<Long> offsetsAsked = new CopyOnWriteArrayList<>();
        final int linesPerChunk;

        GrowingLog(int linesPerChunk, String... lines) {
            this.linesPerChunk = linesPerChunk;
            log.addAll(List.of(lines));
        }

        @Override
        public List<PodInfo> pods() {
            return List.of();
        }

        @Override
        public Optional<PodInfo> pod(String namespace, String name) {
            return Optional.empty();
        }

        @Override
        public LogChunk log(String namespace, String name, String container, boolean previous, long offset,
                            int maxBytes) {
            offsetsAsked.add(offset);
            if (!"web".equals(name) || (container != null && !"main".equals(container))) {
                return LogChunk.missing();
            }
            int from = (int) offset;
            int to = Math.min(log.size(), from + linesPerChunk);
            return new LogChunk(log.subList(from, to), to, true);
        }
    }

    @Test
    void printsTheWholeLogInChunksWithoutFollowing() throws Exception {
        GrowingLog status = new GrowingLog(2, "a", "b", "c", "d", "e");
        List<String> out = new ArrayList<>();

        long end = PodLogPrinter.print(status, "default", "web", null, false, false, out::add, () -> true, 1);

        assertThat(out).containsExactly("a", "b", "c", "d", "e");
        assertThat(end).isEqualTo(5);
        assertThat(status.offsetsAsked).containsExactly(0L, 2L, 4L, 5L);
    }

    @Test
    void followReadsOnFromTheLastOffsetUntilStopped() throws Exception {
        GrowingLog status = new GrowingLog(100, "one");
        List<String> out = new CopyOnWriteArrayList<>();
        int[] polls = {0};

        PodLogPrinter.print(status, "default", "web", "main", false, true, out::add, () -> {
            polls[0]++;
            if (polls[0] == 2) {
                status.log.add("two");
                status.log.add("three");
            }
            return polls[0] < 6;
        }, 1);

        assertThat(out).containsExactly("one", "two", "three");
        assertThat(status.offsetsAsked).doesNotContain(-1L).contains(1L, 3L);
        assertThat(status.offsetsAsked.get(status.offsetsAsked.size() - 1)).isEqualTo(3L);
    }

    @Test
    void aMissingContainerIsAnError() {
        GrowingLog status = new GrowingLog(10, "x");

        assertThatThrownBy(() -> PodLogPrinter.print(status, "default", "web", "sidecar", false, false, l -> { },
                () -> true, 1)).isInstanceOf(PodLogPrinter.LogMissingException.class)
                .hasMessageContaining("container \"sidecar\" of pod default/web");
    }
}
