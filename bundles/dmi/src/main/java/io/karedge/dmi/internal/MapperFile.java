package io.karedge.dmi.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable list of registered mappers: a small JSON file, replaced atomically on every change.
 *
 * <pre>
 * {"mappers": [{"name": "modbus-mapper", "version": "v1.13.0", "apiVersion": "v1.0.0", "protocol": "modbus",
 *               "address": "/etc/kubeedge/modbus.sock", "registeredAt": "2026-01-01T00:00:00Z"}]}
 * </pre>
 */
final class MapperFile {

    private static final Logger LOG = LoggerFactory.getLogger(MapperFile.class);

    private final Path file;

    MapperFile(Path file) {
        this.file = file;
    }

    Path path() {
        return file;
    }

    /** @return the stored mappers; an absent or unreadable file gives none (logged) */
    List<MapperRecord> load() {
        List<MapperRecord> result = new ArrayList<>();
        if (!Files.exists(file)) {
            return result;
        }
        try {
            JsonNode root = KaredgeJson.mapper().readTree(file.toFile());
            for (JsonNode entry : root.path("mappers")) {
                String protocol = entry.path("protocol").asText("");
                String address = entry.path("address").asText("");
                if (protocol.isEmpty() || address.isEmpty()) {
                    LOG.warn("Ignoring a mapper without protocol or address in {}", file);
                    continue;
                }
                result.add(new MapperRecord(entry.path("name").asText(protocol), entry.path("version").asText(""),
                        entry.path("apiVersion").asText(""), protocol, address, instant(entry.path("registeredAt"))));
            }
        } catch (IOException e) {
            LOG.error("Cannot read the mapper registry {}; registered mappers must register again", file, e);
        }
        return result;
    }

    /** Replaces the file's content; failures are logged (the mappers stay registered until the restart). */
    void save(Collection<MapperRecord> mappers) {
        ObjectNode root = KaredgeJson.mapper().createObjectNode();
        ArrayNode list = root.putArray("mappers");
        for (MapperRecord mapper : mappers) {
            list.addObject()
                    .put("name", mapper.name())
                    .put("version", mapper.version())
                    .put("apiVersion", mapper.apiVersion())
                    .put("protocol", mapper.protocol())
                    .put("address", mapper.address())
                    .put("registeredAt", mapper.registeredAt().toString());
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(temporary, KaredgeJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.error("Cannot write the mapper registry {}; mappers are not re-dialled after a restart", file, e);
        }
    }

    private static Instant instant(JsonNode node) {
        try {
            return node.isTextual() ? Instant.parse(node.asText()) : Instant.EPOCH;
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }
}
