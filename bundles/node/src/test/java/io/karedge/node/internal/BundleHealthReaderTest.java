package io.karedge.node.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

class BundleHealthReaderTest {

    private static ComponentDescriptionDTO description(String name, Map<String, Object> properties) {
        ComponentDescriptionDTO description = new ComponentDescriptionDTO();
        description.name = name;
        description.properties = properties;
        return description;
    }

    private static ComponentConfigurationDTO waitingFor(String reference) {
        ComponentConfigurationDTO configuration = new ComponentConfigurationDTO();
        configuration.state = ComponentConfigurationDTO.UNSATISFIED_REFERENCE;
        UnsatisfiedReferenceDTO missing = new UnsatisfiedReferenceDTO();
        missing.name = reference;
        configuration.unsatisfiedReferences = new UnsatisfiedReferenceDTO[] {missing};
        return configuration;
    }

    private static List<String> problems(ComponentDescriptionDTO description, ComponentConfigurationDTO configuration) {
        List<String> problems = new ArrayList<>();
        BundleHealthReader.describeProblem(description, configuration, problems);
        return problems;
    }

    @Test
    void anOptionalPartThatIsNotInstalledIsNotAProblem() {
        ComponentDescriptionDTO podStatus = description("io.karedge.rest.internal.PodsStatusResource",
                Map.of(BundleHealthReader.OPTIONAL_PART, "pod manager"));

        assertThat(problems(podStatus, waitingFor("podManager"))).isEmpty();
    }

    @Test
    void aRequiredServiceThatIsMissingIsAProblem() {
        ComponentDescriptionDTO objects = description("io.karedge.rest.internal.ObjectsResource", Map.of());

        assertThat(problems(objects, waitingFor("metaStore")))
                .containsExactly("io.karedge.rest.internal.ObjectsResource: missing metaStore");
    }

    @Test
    void anOptionalPartThatFailsToActivateIsAProblem() {
        ComponentDescriptionDTO mesh = description("io.karedge.rest.internal.MeshResource",
                Map.of(BundleHealthReader.OPTIONAL_PART, "mesh proxy"));
        ComponentConfigurationDTO failed = new ComponentConfigurationDTO();
        failed.state = ComponentConfigurationDTO.FAILED_ACTIVATION;
        failed.failure = "boom";

        assertThat(problems(mesh, failed)).containsExactly("io.karedge.rest.internal.MeshResource: activation failed: boom");
    }
}
