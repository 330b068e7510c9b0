package io.karedge.kube.api.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.Kinds;
import org.junit.jupiter.api.Test;

class SelectorsTest {

    private static ObjectNode pod(String labels, String nodeName) throws Exception {
        return (ObjectNode) KaredgeJson.mapper().readTree("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"web-1\","
                + "\"namespace\":\"shop\",\"labels\":" + labels + "},\"spec\":{\"nodeName\":\"" + nodeName + "\"},"
                + "\"status\":{\"phase\":\"Running\"}}");
    }

    @Test
    void labelSelectorsOfEveryOperatorMatchAsInKubernetes() throws Exception {
        ObjectNode pod = pod("{\"app\":\"web\",\"tier\":\"front\",\"replicas\":\"3\"}", "edge-1");
        assertThat(LabelSelector.parse("app=web").matches(pod)).isTrue();
        assertThat(LabelSelector.parse("app==web,tier=front").matches(pod)).isTrue();
        assertThat(LabelSelector.parse("app!=web").matches(pod)).isFalse();
        assertThat(LabelSelector.parse("app in (db, web)").matches(pod)).isTrue();
        assertThat(LabelSelector.parse("app notin (db,web)").matches(pod)).isFalse();
        assertThat(LabelSelector.parse("tier").matches(pod)).isTrue();
        assertThat(LabelSelector.parse("!tier").matches(pod)).isFalse();
        assertThat(LabelSelector.parse("!missing, app").matches(pod)).isTrue();
        assertThat(LabelSelector.parse("replicas>2").matches(pod)).isTrue();
        assertThat(LabelSelector.parse("replicas<2").matches(pod)).isFalse();
        assertThat(LabelSelector.parse("example.com/role=x").matches(pod)).isFalse();
        assertThat(LabelSelector.parse("missing!=x").matches(pod)).isTrue();
        assertThat(LabelSelector.parse("").matches(pod)).isTrue();
    }

    @Test
    void malformedLabelSelectorsAreBadRequests() {
        for (String bad : new String[] {"app=", "=web", "app in web", "app in ()", "app in (web", "a b", "app=we b",
                "app=-web", "app>x", "app=web,", "app ~ web", "!", "x".repeat(70) + "=1", "a".repeat(5000)}) {
            if (bad.equals("app=")) {
                continue; // an empty value is valid
            }
            assertThatThrownBy(() -> LabelSelector.parse(bad)).as(bad)
                    .isInstanceOfSatisfying(KubeStatusException.class, e -> {
                        assertThat(e.code()).isEqualTo(400);
                        assertThat(e.status().path("reason").asText()).isEqualTo("BadRequest");
                    });
        }
    }

    @Test
    void fieldSelectorsTakeTheFieldsKubernetesSupportsForTheKind() throws Exception {
        ObjectNode pod = pod("{}", "edge-1");
        assertThat(FieldSelector.parse("spec.nodeName=edge-1", Kinds.POD).matches(pod)).isTrue();
        assertThat(FieldSelector.parse("spec.nodeName!=edge-1", Kinds.POD).matches(pod)).isFalse();
        assertThat(FieldSelector.parse("metadata.name==web-1,metadata.namespace=shop", Kinds.POD).matches(pod))
                .isTrue();
        assertThat(FieldSelector.parse("status.phase=Pending", Kinds.POD).matches(pod)).isFalse();
        assertThat(FieldSelector.parse("metadata.name=web-1", Kinds.POD).exactName()).isEqualTo("web-1");
        assertThat(FieldSelector.parse("metadata.name=a\\,b", Kinds.POD).exactName()).isEqualTo("a,b");

        assertThatThrownBy(() -> FieldSelector.parse("spec.nodeName=edge-1", Kinds.CONFIG_MAP))
                .isInstanceOfSatisfying(KubeStatusException.class, e -> assertThat(e.code()).isEqualTo(400));
        assertThatThrownBy(() -> FieldSelector.parse("nonsense", Kinds.POD))
                .isInstanceOfSatisfying(KubeStatusException.class, e -> assertThat(e.code()).isEqualTo(400));
        assertThatThrownBy(() -> FieldSelector.parse("metadata.name=a\\b", Kinds.POD))
                .isInstanceOfSatisfying(KubeStatusException.class, e -> assertThat(e.code()).isEqualTo(400));
    }

    @Test
    void agesPrintAsKubectlPrintsThem() {
        assertThat(HumanDuration.of(java.time.Duration.ofSeconds(45))).isEqualTo("45s");
        assertThat(HumanDuration.of(java.time.Duration.ofSeconds(192))).isEqualTo("3m12s");
        assertThat(HumanDuration.of(java.time.Duration.ofMinutes(42))).isEqualTo("42m");
        assertThat(HumanDuration.of(java.time.Duration.ofMinutes(185))).isEqualTo("3h5m");
        assertThat(HumanDuration.of(java.time.Duration.ofHours(26))).isEqualTo("26h");
        assertThat(HumanDuration.of(java.time.Duration.ofHours(50))).isEqualTo("2d2h");
        assertThat(HumanDuration.of(java.time.Duration.ofDays(40))).isEqualTo("40d");
    }
}
