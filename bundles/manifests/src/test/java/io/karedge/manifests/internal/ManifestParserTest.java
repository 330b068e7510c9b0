package io.karedge.manifests.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.karedge.api.meta.ObjectKey;
import io.karedge.manifests.ManifestReport.Problem;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ManifestParserTest {

    private final ManifestParser parser = new ManifestParser(1024 * 1024);

    private ManifestParser.Result parse(String yaml) {
        return parser.parse(yaml.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void emptyFilesAndEmptyDocumentsAreSkipped() {
        assertThat(parse("")).isEqualTo(new ManifestParser.Result(java.util.List.of(), java.util.List.of()));
        assertThat(parse("# nothing\n---\n---\n~\n---\n").problems()).isEmpty();
        assertThat(parse("# nothing\n---\n---\n~\n---\n").documents()).isEmpty();
    }

    @Test
    void documentsRememberWhereTheyStart() {
        ManifestParser.Result result = parse("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: a}
                ---
                # comment
                  # indented comment
                --- {apiVersion: v1, kind: ConfigMap, metadata: {name: b, namespace: other}}
                """);

        assertThat(result.problems()).isEmpty();
        assertThat(result.documents())
                .extracting(ManifestDocument::key, ManifestDocument::line, ManifestDocument::column)
                .containsExactly(tuple(ObjectKey.of("ConfigMap", "default", "a"), 1, 1),
                        tuple(ObjectKey.of("ConfigMap", "other", "b"), 7, 5));
        assertThat(result.documents().get(0).object().path("metadata").path("namespace").asText())
                .isEqualTo("default");
    }

    @Test
    void serverManagedMetadataIsDropped() {
        ManifestParser.Result result = parse("""
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: a
                  resourceVersion: "123"
                  uid: 0c0a
                  creationTimestamp: "2025-01-01T00:00:00Z"
                  labels: {app: x}
                """);

        assertThat(result.documents().get(0).object().path("metadata").fieldNames())
                .toIterable().containsExactly("name", "labels", "namespace");
    }

    @Test
    void nonMappingDocumentsAreErrors() {
        ManifestParser.Result result = parse(
                "- a\n- b\n---\njust text\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n");

        assertThat(result.problems()).extracting(Problem::line).containsExactly(1, 4);
        assertThat(result.problems().get(0).message()).contains("not a list");
        assertThat(result.documents()).hasSize(1);
    }

    @Test
    void duplicateKeysAndAliasesAreRefused() {
        assertThat(parse("apiVersion: v1\nkind: ConfigMap\nkind: Pod\nmetadata: {name: a}\n").problems())
                .singleElement().satisfies(problem -> {
                    assertThat(problem.line()).isEqualTo(3);
                    assertThat(problem.message()).contains("Duplicate field 'kind'");
                });
        assertThat(parse("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  x: &v hello\n  y: *v\n")
                .problems()).singleElement().satisfies(problem -> {
                    assertThat(problem.line()).isEqualTo(6);
                    assertThat(problem.message()).contains("YAML aliases (*v) are not supported");
                });
    }

    @Test
    void sameObjectTwiceInOneFileKeepsTheFirst() {
        ManifestParser.Result result = parse("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: a}
                data: {n: "1"}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: a, namespace: default}
                data: {n: "2"}
                """);

        assertThat(result.documents()).singleElement()
                .satisfies(doc -> assertThat(doc.object().path("data").path("n").asText()).isEqualTo("1"));
        assertThat(result.problems()).containsExactly(new Problem(6, 1,
                "ConfigMap/default/a is defined twice in this file (first at line 1); the first definition is used"));
    }

    @Test
    void listsHoldItemsButNotLists() {
        ManifestParser.Result result = parse("""
                apiVersion: v1
                kind: List
                items:
                  - {apiVersion: v1, kind: Secret, metadata: {name: s}, data: {k: dg==}}
                  - {apiVersion: v1, kind: List, items: []}
                  - 42
                """);

        assertThat(result.documents()).extracting(ManifestDocument::key)
                .containsExactly(ObjectKey.of("Secret", "default", "s"));
        assertThat(result.problems()).extracting(Problem::message).containsExactly(
                "items[1]: a List inside a List is not supported",
                "items[2]: an item must be a mapping with apiVersion, kind and metadata");
    }

    @Test
    void namespaceMustBeALabel() {
        assertThat(parse("apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: My.NS}\n").problems())
                .singleElement().satisfies(problem -> assertThat(problem.message())
                        .startsWith("invalid metadata.namespace 'My.NS' for Pod p"));
    }

    @Test
    void textThatIsNotUtf8IsNamedAsSuch() {
        ManifestParser.Result result = parser.parse(new byte[] {'a', ':', ' ', (byte) 0xff, '\n'});

        assertThat(result.problems()).singleElement()
                .satisfies(problem -> assertThat(problem.message()).startsWith("not UTF-8 text"));
    }
}
