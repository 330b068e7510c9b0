package io.karedge.pod.manager.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.pod.PodRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code <data dir>/pods/<uid>/pod.json}: what the manager needs after a restart besides what the runtime
 * reports: the pod's identity, runtime class and start time (so that {@code status.startTime} stays put),
 * and the highest attempt each container reached (so that restart counts survive a reboot, when the
 * runtime may have lost the old instances).
 */
final class PodStateFile {

    /**
     * @param attempts container name to the highest attempt started
     */
    record State(PodRef ref, String runtimeClass, Instant startTime, Map<String, Integer> attempts) {

        State {
            attempts = Map.copyOf(attempts);
        }
    }

    private PodStateFile() {
    }

    static Optional<State> read(Path podDirectory) {
        Path file = podDirectory.resolve("pod.json");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode node = KaredgeJson.mapper().readTree(file.toFile());
            Map<String, Integer> attempts = new TreeMap<>();
            node.path("attempts").fields().forEachRemaining(e -> attempts.put(e.getKey(), e.getValue().asInt()));
            return Optional.of(new State(new PodRef(node.path("uid").asText(), node.path("namespace").asText(),
                    node.path("name").asText()), node.path("runtimeClass").asText(),
                    node.hasNonNull("startTime") ? Instant.parse(node.path("startTime").asText()) : null, attempts));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static void write(Path podDirectory, State state) throws IOException {
        Files.createDirectories(podDirectory);
        ObjectNode node = KaredgeJson.mapper().createObjectNode();
        node.put("uid", state.ref().uid());
        node.put("namespace", state.ref().namespace());
        node.put("name", state.ref().name());
        node.put("runtimeClass", state.runtimeClass());
        if (state.startTime() != null) {
            node.put("startTime", state.startTime().toString());
        }
        ObjectNode attempts = node.putObject("attempts");
        new TreeMap<>(state.attempts()).forEach(attempts::put);
        Path temp = Files.createTempFile(podDirectory, ".pod", ".tmp");
        Files.write(temp, KaredgeJson.mapper().writeValueAsBytes(node));
        Files.move(temp, podDirectory.resolve("pod.json"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }
}
