package io.karedge.manifests.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.karedge.api.meta.Kinds;
import io.karedge.api.meta.ObjectKey;
import io.karedge.manifests.ManifestReport.Problem;
import java.io.CharConversionException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads the documents of one manifest file and checks each one. A document that passes becomes a
 * {@link ManifestDocument}; every other finding becomes a {@link Problem} with the line (and column)
 * where the document, or the syntax error, is. Thread-safe.
 */
final class ManifestParser {

    static final String LIST = "List";

    /** The kinds a manifest may declare, besides {@code List}. */
    static final List<String> SUPPORTED_KINDS = List.of(Kinds.DEVICE, Kinds.DEVICE_MODEL, Kinds.POD,
            Kinds.CONFIG_MAP, Kinds.SECRET, Kinds.SERVICE, Kinds.ENDPOINTS);

    private static final String SUPPORTED_TEXT = String.join(", ", SUPPORTED_KINDS) + ", " + LIST;

    /** Metadata the API server owns; a manifest copied from {@code kubectl get -o yaml} may carry it. */
    static final List<String> SERVER_METADATA = List.of("resourceVersion", "uid", "creationTimestamp",
            "generation", "managedFields", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds");

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    /** SnakeYAML's own default limit of code points per file. */
    private static final int SNAKEYAML_CODE_POINT_LIMIT = 3 * 1024 * 1024;

    /** What a file holds: its valid objects and its problems, both in file order. */
    record Result(List<ManifestDocument> documents, List<Problem> problems) {

        Result {
            documents = List.copyOf(documents);
            problems = List.copyOf(problems);
        }
    }

    private final ObjectMapper mapper;

    /** @param maxFileBytes the largest file that will be handed over, so the YAML reader accepts it */
    ManifestParser(long maxFileBytes) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit((int) Math.min(Integer.MAX_VALUE,
                Math.max(SNAKEYAML_CODE_POINT_LIMIT, maxFileBytes)));
        YAMLFactory factory = YAMLFactory.builder()
                .loaderOptions(options)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.mapper = new ObjectMapper(factory);
    }

    Result parse(byte[] content) {
        Collector out = new Collector();
        try (JsonParser parser = new AliasRejectingParser((YAMLParser) mapper.createParser(content))) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                JsonLocation start = parser.currentTokenLocation();
                int line = start.getLineNr();
                int column = start.getColumnNr();
                switch (token) {
                    case START_OBJECT -> out.check((ObjectNode) mapper.readTree(parser), line, column, "", true);
                    case START_ARRAY -> {
                        parser.skipChildren();
                        out.problem(line, column, "a document must be a mapping with apiVersion, kind and "
                                + "metadata, not a list");
                    }
                    case VALUE_NULL -> {
                        // "~" or "null" alone: an empty document
                    }
                    default -> {
                        if (token != JsonToken.VALUE_STRING || !parser.getText().isEmpty()) {
                            out.problem(line, column, "a document must be a mapping with apiVersion, kind "
                                    + "and metadata, not a scalar");
                        }
                        // an empty string is how an empty document ("---" followed by nothing) reads
                    }
                }
            }
        } catch (JsonProcessingException e) {
            out.problems.add(syntaxProblem(e));
        } catch (IOException | RuntimeException e) {
            out.problems.add(new Problem(0, 0, "cannot parse: " + oneLine(String.valueOf(e))));
        }
        return new Result(out.documents, out.problems);
    }

    /** A YAML syntax error, at the place SnakeYAML points to when it says where. */
    static Problem syntaxProblem(JsonProcessingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CharacterCodingException || t instanceof CharConversionException) {
                return new Problem(0, 0, "not UTF-8 text (" + oneLine(t.getMessage())
                        + "); the rest of the file is not read");
            }
            if (t instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
                Mark mark = marked.getProblemMark();
                String context = marked.getContext();
                String text = (context == null ? "" : context + ": ") + marked.getProblem();
                return new Problem(mark.getLine() + 1, mark.getColumn() + 1, "YAML syntax error: " + oneLine(text)
                        + "; the rest of the file is not read");
            }
        }
        JsonLocation location = e.getLocation();
        int line = location == null ? 0 : Math.max(0, location.getLineNr());
        int column = location == null ? 0 : Math.max(0, location.getColumnNr());
        return new Problem(line, column, "YAML syntax error: " + oneLine(e.getOriginalMessage())
                + "; the rest of the file is not read");
    }

    static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }

    /** The documents and problems of one file while it is read. */
    private static final class Collector {

        final List<ManifestDocument> documents = new ArrayList<>();
        final List<Problem> problems = new ArrayList<>();
        final Map<ObjectKey, ManifestDocument> byKey = new HashMap<>();

        void problem(int line, int column, String message) {
            problems.add(new Problem(line, column, message));
        }

        void check(ObjectNode node, int line, int column, String where, boolean listAllowed) {
            JsonNode kindNode = node.get("kind");
            if (kindNode == null || kindNode.isNull() || kindNode.asText().isBlank()) {
                problem(line, column, where + "missing kind (supported: " + SUPPORTED_TEXT + ")");
                return;
            }
            if (!kindNode.isTextual()) {
                problem(line, column, where + "kind must be a string, not " + kindNode);
                return;
            }
            String kind = kindNode.asText();
            String apiVersion = node.path("apiVersion").isTextual() ? node.get("apiVersion").asText() : null;
            if (LIST.equals(kind)) {
                checkList(node, apiVersion, line, column, where, listAllowed);
                return;
            }
            if (!SUPPORTED_KINDS.contains(kind)) {
                problem(line, column, where + "unknown kind " + kind + " (supported: " + SUPPORTED_TEXT + ")");
                return;
            }
            String expected = Kinds.info(kind).orElseThrow().apiVersion();
            if (!expected.equals(apiVersion)) {
                problem(line, column, where + (apiVersion == null ? "missing apiVersion" : "wrong apiVersion "
                        + apiVersion) + " for kind " + kind + " (expected " + expected + ")");
                return;
            }
            JsonNode metadataNode = node.get("metadata");
            if (metadataNode != null && !metadataNode.isObject() && !metadataNode.isNull()) {
                problem(line, column, where + "metadata must be a mapping");
                return;
            }
            JsonNode nameNode = metadataNode == null ? null : metadataNode.get("name");
            if (nameNode != null && nameNode.isContainerNode()) {
                problem(line, column, where + "metadata.name of " + kind + " must be a string");
                return;
            }
            if (nameNode == null || nameNode.isNull() || nameNode.asText().isBlank()) {
                problem(line, column, where + "missing metadata.name for " + kind);
                return;
            }
            String name = nameNode.asText();
            if (name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches()) {
                problem(line, column, where + "invalid metadata.name '" + name + "' for " + kind
                        + ": use lower-case letters, digits, '-' and '.', starting and ending with a "
                        + "letter or digit, at most 253 characters");
                return;
            }
            String namespace = "";
            if (Kinds.isNamespaced(kind)) {
                JsonNode namespaceNode = metadataNode.get("namespace");
                namespace = namespaceNode == null || namespaceNode.isNull() || namespaceNode.asText().isBlank()
                        ? "default" : namespaceNode.asText();
                if (namespace.length() > 63 || !DNS_LABEL.matcher(namespace).matches()) {
                    problem(line, column, where + "invalid metadata.namespace '" + namespace + "' for " + kind
                            + " " + name + ": use lower-case letters, digits and '-', at most 63 characters");
                    return;
                }
            }
            ObjectNode object = node.deepCopy();
            ObjectNode metadata = (ObjectNode) object.get("metadata");
            metadata.put("name", name);
            if (Kinds.isNamespaced(kind)) {
                metadata.put("namespace", namespace);
            } else {
                metadata.remove("namespace");
            }
            metadata.remove(SERVER_METADATA);
            if (Kinds.SECRET.equals(kind) && !moveStringData(object, line, column, where, name)) {
                return;
            }
            ObjectKey key = ObjectKey.of(kind, namespace, name);
            ManifestDocument first = byKey.get(key);
            if (first != null) {
                problem(line, column, where + key + " is defined twice in this file (first at line "
                        + first.line() + "); the first definition is used");
                return;
            }
            ManifestDocument document = new ManifestDocument(key, object, line, column);
            byKey.put(key, document);
            documents.add(document);
        }

        private void checkList(ObjectNode node, String apiVersion, int line, int column, String where,
                               boolean listAllowed) {
            if (!listAllowed) {
                problem(line, column, where + "a List inside a List is not supported");
                return;
            }
            if (!"v1".equals(apiVersion)) {
                problem(line, column, where + (apiVersion == null ? "missing apiVersion" : "wrong apiVersion "
                        + apiVersion) + " for kind List (expected v1)");
                return;
            }
            JsonNode items = node.get("items");
            if (items == null || items.isNull()) {
                return;
            }
            if (!items.isArray()) {
                problem(line, column, where + "items of a List must be a list");
                return;
            }
            int index = 0;
            for (JsonNode item : (ArrayNode) items) {
                String itemWhere = where + "items[" + index++ + "]: ";
                if (item.isObject()) {
                    check((ObjectNode) item, line, column, itemWhere, false);
                } else {
                    problem(line, column, itemWhere + "an item must be a mapping with apiVersion, kind and metadata");
                }
            }
        }

        /** Does what the API server does with {@code stringData}: writes it into {@code data} as base64. */
        private boolean moveStringData(ObjectNode secret, int line, int column, String where, String name) {
            JsonNode stringData = secret.get("stringData");
            if (stringData == null || stringData.isNull()) {
                secret.remove("stringData");
                return true;
            }
            if (!stringData.isObject()) {
                problem(line, column, where + "stringData of Secret " + name + " must be a mapping");
                return false;
            }
            JsonNode dataNode = secret.get("data");
            if (dataNode != null && !dataNode.isNull() && !dataNode.isObject()) {
                problem(line, column, where + "data of Secret " + name + " must be a mapping");
                return false;
            }
            ObjectNode data = dataNode instanceof ObjectNode existing ? existing : secret.putObject("data");
            for (Map.Entry<String, JsonNode> field : stringData.properties()) {
                byte[] value = field.getValue().asText().getBytes(StandardCharsets.UTF_8);
                data.put(field.getKey(), Base64.getEncoder().encodeToString(value));
            }
            secret.remove("stringData");
            return true;
        }
    }

    /**
     * Refuses YAML aliases ({@code *name}): Jackson would read them as the text of the anchor name,
     * which would store something other than what the file says.
     */
    private static final class AliasRejectingParser extends JsonParserDelegate {

        private final YAMLParser yaml;

        AliasRejectingParser(YAMLParser yaml) {
            super(yaml);
            this.yaml = yaml;
        }

        @Override
        public JsonToken nextToken() throws IOException {
            JsonToken token = super.nextToken();
            if (token != null && yaml.isCurrentAlias()) {
                throw new JsonParseException(this, "YAML aliases (*" + yaml.getText()
                        + ") are not supported; write the value out", yaml.currentTokenLocation());
            }
            return token;
        }

        @Override
        public JsonToken nextValue() throws IOException {
            JsonToken token = nextToken();
            return token == JsonToken.FIELD_NAME ? nextToken() : token;
        }
    }
}
