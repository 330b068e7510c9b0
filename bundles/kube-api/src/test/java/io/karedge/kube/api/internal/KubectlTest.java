package io.karedge.kube.api.internal;

import static io.karedge.kube.api.internal.KubeApiFabric8Test.json;
import static io.karedge.kube.api.internal.KubeApiFabric8Test.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.karedge.test.support.InMemoryMetaStore;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real kubectl against the API over HTTPS, with a kubeconfig as the node writes it (token file, certificate). Skipped when no kubectl
 * is on the PATH; run-tests.sh installs Debian's kubernetes-client.
 */
@Timeout(90)
class KubectlTest {

    private final InMemoryMetaStore store = new InMemoryMetaStore();
    private KubeApiServer server;
    private String kubectl;
    @TempDir
    Path home;

    @BeforeEach
    void start() throws Exception {
        kubectl = findKubectl();
        Assumptions.assumeTrue(kubectl != null, "no kubectl on the PATH (Debian package kubernetes-client)");
        store.put(pod("shop", "web-1", "edge-1", "web"), "cloud");
        store.put(json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"settings\","
                + "\"namespace\":\"shop\"},\"data\":{\"a\":\"1\",\"b\":\"2\"}}"), "cloud");
        store.put(json("{\"apiVersion\":\"devices.kubeedge.io/v1beta1\",\"kind\":\"Device\",\"metadata\":{\"name\":"
                + "\"thermometer-01\",\"namespace\":\"default\"}}"), "manifest:demo.yaml");
        OwnNode own = new OwnNode("edge-1", "karedge-test", Instant.parse("2026-01-02T03:04:05Z"), 4, 8_000_000,
                "6.1.0-test", "Debian GNU/Linux 12 (bookworm)", "amd64");
        // as the node serves it: HTTPS with its own certificate, and the kubeconfig it writes for its user
        ServingCertificate certificate = ServingCertificate.loadOrCreate(home.resolve("kube-api.p12"), "127.0.0.1");
        server = KubeApiServer.start(new WithOwnNode(store, () -> Optional.of(own)),
                KubeApiSettings.defaults().withPort(0), Clock.systemUTC(), () -> null,
                () -> java.util.Optional.of(io.karedge.api.node.NodeMode.STANDALONE), Authorized.ACCESS, certificate);
        Path token = home.resolve("api-token");
        java.nio.file.Files.writeString(token, io.karedge.test.support.FixedTokenAccess.TOKEN);
        Kubeconfig.write(home.resolve("config"), "https://127.0.0.1:" + server.port(), token,
                certificate.certificatePem());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String findKubectl() {
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "" : path).split(File.pathSeparator)) {
            File candidate = new File(dir, "kubectl");
            if (candidate.canExecute()) {
                return candidate.getAbsolutePath();
            }
        }
        return null;
    }

    private Process kubectl(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(kubectl, "--request-timeout", "20s"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // the node's kubeconfig, and no cache of the developer's clusters
        builder.environment().put("HOME", home.toString());
        builder.environment().put("KUBECONFIG", home.resolve("config").toString());
        return builder.start();
    }

    private String run(String... args) throws Exception {
        Process process = kubectl(args);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    @Test
    void getsPodsDevicesAndConfigMapsAcrossNamespaces() throws Exception {
        String output = run("get", "pods,devices,configmaps", "-A");
        assertThat(output).containsPattern("NAMESPACE +NAME +READY +STATUS +RESTARTS +AGE")
                .containsPattern("shop +pod/web-1 +1/1 +Running +0 ")
                .containsPattern("default +device.devices.kubeedge.io/thermometer-01 ")
                .containsPattern("shop +configmap/settings +2 ");
        assertThat(run("get", "pod", "web-1", "-n", "shop", "-o", "jsonpath={.spec.nodeName}")).isEqualTo("edge-1");
        assertThat(run("get", "pods", "-A", "-o", "wide")).containsPattern("IP +NODE").contains("10.0.0.9");
        assertThat(run("get", "devices.devices.kubeedge.io", "-n", "default", "-o", "name"))
                .contains("device.devices.kubeedge.io/thermometer-01");
    }

    @Test
    void notFoundAndBadSelectorsAreReportedLikeKubernetes() throws Exception {
        Process missing = kubectl("get", "pod", "nope", "-n", "shop");
        String output = new String(missing.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(missing.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(missing.exitValue()).isNotZero();
        assertThat(output).contains("pods \"nope\" not found");

        Process bad = kubectl("get", "pods", "-A", "--field-selector", "spec.secret=x");
        output = new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bad.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(bad.exitValue()).isNotZero();
        assertThat(output).contains("spec.secret");
    }

    @Test
    void watchPrintsChangesAsTheyAreStored() throws Exception {
        Process watch = kubectl("get", "pods", "-A", "-w");
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(watch.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        reader.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> lines.stream().anyMatch(l -> l.contains("web-1")));
            await().atMost(Duration.ofSeconds(10)).until(() -> server.openWatches() == 1);
            store.put(pod("shop", "web-2", "edge-1", "web"), "cloud");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(String.join("\n", lines))
                    .containsPattern("shop +web-2 +1/1 +Running"));
        } finally {
            watch.destroy();
            watch.waitFor(10, TimeUnit.SECONDS);
            reader.join(10_000);
        }
    }

    @Test
    void applyCreatesThenPatchesAndDeleteRemoves() throws Exception {
        Path manifest = home.resolve("objects.yaml");
        Files.writeString(manifest, """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: app-settings
                  namespace: shop
                data:
                  level: info
                  color: red
                ---
                apiVersion: devices.kubeedge.io/v1beta1
                kind: Device
                metadata:
                  name: meter-1
                  namespace: shop
                  labels:
                    room: lab
                spec:
                  deviceModelRef:
                    name: meter
                  protocol:
                    protocolName: virtual
                """);
        // plain kubectl apply: kubectl reads /openapi/v3, sees fieldValidation and leaves the check to the server
        String created = run("apply", "-f", manifest.toString());
        assertThat(created).contains("configmap/app-settings created").contains("meter-1 created");
        assertThat(store.sourceOf(io.karedge.api.meta.ObjectKey.of("ConfigMap", "shop", "app-settings")))
                .isEqualTo("local");
        assertThat(run("get", "configmap", "app-settings", "-n", "shop", "-o", "jsonpath={.data.level}"))
                .isEqualTo("info");

        // a second apply with a changed file: kubectl computes a three-way patch from its last-applied annotation
        Files.writeString(manifest, Files.readString(manifest).replace("  color: red\n", "")
                .replace("level: info", "level: debug").replace("room: lab", "room: hall"));
        String applied = run("apply", "-f", manifest.toString());
        assertThat(applied).contains("configmap/app-settings configured").contains("meter-1 configured");
        var settings = store.get(io.karedge.api.meta.ObjectKey.of("ConfigMap", "shop", "app-settings")).orElseThrow()
                .object();
        assertThat(settings.path("data").toString()).isEqualTo("{\"level\":\"debug\"}");
        assertThat(store.get(io.karedge.api.meta.ObjectKey.of("Device", "shop", "meter-1")).orElseThrow().object()
                .path("metadata").path("labels").path("room").asText()).isEqualTo("hall");
        assertThat(run("apply", "-f", manifest.toString())).contains("unchanged");

        String deleted = run("delete", "-f", manifest.toString());
        assertThat(deleted).contains("configmap \"app-settings\" deleted").contains("\"meter-1\" deleted");
        assertThat(store.get(io.karedge.api.meta.ObjectKey.of("ConfigMap", "shop", "app-settings"))).isEmpty();
        assertThat(store.get(io.karedge.api.meta.ObjectKey.of("Device", "shop", "meter-1"))).isEmpty();
    }

    @Test
    void applyValidatesFieldsAgainstTheServedSchemas() throws Exception {
        Path manifest = home.resolve("typo.yaml");
        Files.writeString(manifest, """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: typo
                  namespace: shop
                  lables:
                    a: b
                dta:
                  level: info
                """);
        Process strict = kubectl("apply", "-f", manifest.toString());
        String refused = new String(strict.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(strict.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(strict.exitValue()).as(refused).isNotZero();
        assertThat(refused).contains("strict decoding error").contains("unknown field \"metadata.lables\"")
                .contains("unknown field \"dta\"").doesNotContain("openapi");
        assertThat(store.get(io.karedge.api.meta.ObjectKey.of("ConfigMap", "shop", "typo"))).isEmpty();

        String warned = run("apply", "--validate=warn", "-f", manifest.toString());
        assertThat(warned).contains("Warning: unknown field \"dta\"").contains("configmap/typo created");

        // a Pod's nested fields are checked too; a Device's spec is KubeEdge's and kept as it comes
        Files.writeString(manifest, """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web-9
                  namespace: shop
                spec:
                  containers:
                  - name: main
                    image: nginx
                    imagePullPolicee: Always
                """);
        Process pod = kubectl("apply", "-f", manifest.toString());
        String podRefused = new String(pod.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(pod.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(podRefused).contains("unknown field \"spec.containers[0].imagePullPolicee\"");
        assertThat(run("explain", "pods.spec.restartPolicy")).contains("restartPolicy");
    }

    @Test
    void theNodeItselfIsListedWithItsColumns() throws Exception {
        String nodes = run("get", "nodes");
        assertThat(nodes).containsPattern("NAME +STATUS +ROLES +AGE +VERSION")
                .containsPattern("edge-1 +Ready +agent,edge +\\S+ +karedge-test");
        assertThat(run("get", "nodes", "-o", "wide")).containsPattern("OS-IMAGE +KERNEL-VERSION")
                .contains("Debian GNU/Linux 12 (bookworm)").contains("6.1.0-test");
        assertThat(run("get", "node", "edge-1", "-o", "jsonpath={.status.capacity.cpu}")).isEqualTo("4");
    }

    @Test
    void aPodWithoutAPodManagerShowsWhyItDoesNotRun() throws Exception {
        store.put(json("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"idle\",\"namespace\":"
                + "\"plant\"},\"spec\":{\"containers\":[{\"name\":\"main\",\"image\":\"busybox\"}]}}"), "manifest:x.yaml");

        assertThat(run("get", "pods", "-n", "plant")).containsPattern("idle +0/1 +NoPodManager +0 ");
        assertThat(run("get", "pod", "idle", "-n", "plant", "-o", "jsonpath={.status.phase} {.status.message}"))
                .isEqualTo("Pending " + NoPodManagerStatus.MESSAGE);
        // a pod with a stored status keeps it
        assertThat(run("get", "pods", "-n", "shop")).containsPattern("web-1 +1/1 +Running ");
    }

    @Test
    void writesOfCloudObjectsAreRefusedWithAReason() throws Exception {
        Process edit = kubectl("label", "configmap", "settings", "-n", "shop", "tier=gold");
        String output = new String(edit.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(edit.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(edit.exitValue()).isNotZero();
        assertThat(output).contains("ServiceUnavailable").contains("came from the cloud");
        assertThat(store.get(io.karedge.api.meta.ObjectKey.of("ConfigMap", "shop", "settings")).orElseThrow()
                .object().path("metadata").path("labels").isMissingNode()).isTrue();
    }
}
