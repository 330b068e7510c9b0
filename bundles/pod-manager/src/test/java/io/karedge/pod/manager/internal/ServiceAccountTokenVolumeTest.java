package io.karedge.pod.manager.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.karedge.api.access.PodTokens;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The projected service-account token volume Kubernetes puts in every pod, as this node fills it. */
class ServiceAccountTokenVolumeTest {

    @TempDir
    Path podDirectory;

    /** Issues one fixed-form token per pod identity (a double of the node's issuer). */
    private static final class Issuer implements PodTokens {
        final Map<PodIdentity, String> issued = new ConcurrentHashMap<>();

        @Override
        public String tokenFor(PodIdentity pod) {
            return issued.computeIfAbsent(pod, p -> "token-" + p.uid() + "-" + p.serviceAccount());
        }

        @Override
        public Optional<PodIdentity> identify(String token) {
            return issued.entrySet().stream().filter(e -> e.getValue().equals(token)).map(Map.Entry::getKey)
                    .findFirst();
        }
    }

    private static Pod pod(String serviceAccount) {
        return new PodBuilder().withNewMetadata().withName("web").withNamespace("app").withUid("uid-7").endMetadata()
                .withNewSpec().withServiceAccountName(serviceAccount)
                .addNewVolume().withName("kube-api-access").withNewProjected()
                .addNewSource().withNewServiceAccountToken().withPath("token").withExpirationSeconds(3607L)
                .endServiceAccountToken().endSource()
                .addNewSource().withNewDownwardAPI().addNewItem().withPath("namespace").withNewFieldRef()
                .withFieldPath("metadata.namespace").endFieldRef().endItem().endDownwardAPI().endSource()
                .endProjected().endVolume().endSpec().build();
    }

    private Path volume() {
        return podDirectory.resolve("volumes/kubernetes.io~projected/kube-api-access");
    }

    @Test
    void theTokenFileHoldsTheTokenIssuedForThatPodAndServiceAccount() throws Exception {
        Issuer issuer = new Issuer();
        new VolumeMaterializer(new ConfigSource(new TestMetaStore()), () -> issuer).materialise(pod("reader"),
                podDirectory);
        assertThat(Files.readString(volume().resolve("token"), StandardCharsets.UTF_8)).isEqualTo("token-uid-7-reader");
        assertThat(issuer.issued).containsOnlyKeys(new PodTokens.PodIdentity("app", "web", "uid-7", "reader"));
        assertThat(Files.readString(volume().resolve("namespace"))).isEqualTo("app");
    }

    @Test
    void aPodThatNamesNoServiceAccountUsesDefault() throws Exception {
        Issuer issuer = new Issuer();
        new VolumeMaterializer(new ConfigSource(new TestMetaStore()), () -> issuer).materialise(pod(null),
                podDirectory);
        assertThat(Files.readString(volume().resolve("token"))).isEqualTo("token-uid-7-default");
    }

    @Test
    void withoutAnIssuerTheVolumeHasNoToken() throws Exception {
        new VolumeMaterializer(new ConfigSource(new TestMetaStore())).materialise(pod("reader"), podDirectory);
        assertThat(volume().resolve("token")).doesNotExist();
        assertThat(volume().resolve("namespace")).exists();
    }
}
