package io.karedge.node.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

class AddedBootFeaturesTest {

    @TempDir
    Path dir;

    private final Set<String> known = Set.of("framework", "karedge-core", "ssh", "karedge-protocol-mqtt");
    private final List<String> installed = new ArrayList<>(List.of("framework", "karedge-core"));
    private final List<String> calls = new ArrayList<>();
    private String featuresBoot = "(framework/4.4.10, karedge-core/0.1.0.SNAPSHOT), ssh";

    @Test
    void featuresAddedToTheListAreInstalledOnceAndAnUnchangedListReadsNoRepository() throws Exception {
        Path checked = dir.resolve("checked");

        assertThat(component(checked).installMissing()).containsExactly("ssh");
        assertThat(calls).contains("install [ssh]");
        assertThat(Files.readString(checked)).isEqualTo(featuresBoot);

        calls.clear();
        assertThat(component(checked).installMissing()).isEmpty();
        assertThat(calls).as("an unchanged list: no lookup at all").isEmpty();

        featuresBoot = featuresBoot + ", karedge-protocol-mqtt, no-such-feature";
        assertThat(component(checked).installMissing()).containsExactly("karedge-protocol-mqtt");
        assertThat(calls).contains("install [karedge-protocol-mqtt]");
    }

    @Test
    void aFailedInstallIsTriedAgainAtTheNextStart() throws Exception {
        Path checked = dir.resolve("checked");
        calls.add("fail");

        assertThat(component(checked).installMissing()).isEmpty();
        assertThat(checked).doesNotExist();

        calls.clear();
        assertThat(component(checked).installMissing()).containsExactly("ssh");
    }

    @Test
    void theListIsReadInKarafsStagedForm() {
        assertThat(AddedBootFeatures.parse(" (a, b/1.0), c ,\n d ")).containsExactly("a", "b/1.0", "c", "d");
    }

    private AddedBootFeatures component(Path checked) {
        return new AddedBootFeatures(featuresService(), configurations(), checked);
    }

    private FeaturesService featuresService() {
        return (FeaturesService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {FeaturesService.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getFeature" -> {
                        calls.add("lookup " + args[0]);
                        yield known.contains((String) args[0]) ? feature((String) args[0]) : null;
                    }
                    case "isInstalled" -> installed.contains(((Feature) args[0]).getName());
                    case "installFeatures" -> {
                        if (calls.contains("fail")) {
                            throw new Exception("resolution failed");
                        }
                        calls.add("install " + args[0]);
                        for (Object spec : (Set<?>) args[0]) {
                            installed.add(spec.toString().split("/")[0]);
                        }
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static Feature feature(String name) {
        return (Feature) Proxy.newProxyInstance(AddedBootFeaturesTest.class.getClassLoader(),
                new Class<?>[] {Feature.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getName" -> name;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private ConfigurationAdmin configurations() {
        Configuration configuration = (Configuration) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Configuration.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getProperties")) {
                        Hashtable<String, Object> properties = new Hashtable<>();
                        properties.put("featuresBoot", featuresBoot);
                        return properties;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return (ConfigurationAdmin) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ConfigurationAdmin.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConfiguration")) {
                        return configuration;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
