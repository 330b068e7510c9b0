package io.karedge.runtime.feature.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.pod.ContainerDescriptor;
import io.karedge.pod.ContainerObservation;
import io.karedge.pod.LogChunk;
import io.karedge.pod.PodDescriptor;
import io.karedge.pod.PodObservation;
import io.karedge.pod.PodRef;
import io.karedge.pod.PodRuntime;
import io.karedge.pod.PodRuntimeException;
import io.karedge.pod.SandboxInfo;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pods of runtime class {@code karaf-feature}: each container's {@code image} is a feature repository URL,
 * its {@code args} name features ({@code name} or {@code name/version}). Starting a container adds the
 * repository and installs the features; it runs while every bundle of those features is ACTIVE, and is
 * terminated with the resolver's message when installation fails. Killing the pod uninstalls the features
 * and removes the repositories it added. What each pod installed is kept in
 * {@code <data dir>/feature-pods/<uid>.json} so that it is found again after a restart.
 */
@Component(service = PodRuntime.class, immediate = true,
        property = PodRuntime.RUNTIME_CLASS + "=" + FeaturePodRuntime.RUNTIME_CLASS)
public final class FeaturePodRuntime implements PodRuntime {

    static final String RUNTIME_CLASS = "karaf-feature";

    private static final Logger LOG = LoggerFactory.getLogger(FeaturePodRuntime.class);

    private final FeaturesService features;
    private final BundleContext context;
    private final Path records;

    @Activate
    public FeaturePodRuntime(@Reference FeaturesService features, @Reference io.karedge.api.node.EdgeNode node,
                             BundleContext context) {
        this.features = features;
        this.context = context;
        this.records = node.dataDirectory().resolve("feature-pods");
    }

    @Override
    public SandboxInfo syncSandbox(PodDescriptor pod) throws PodRuntimeException {
        ObjectNode record = read(pod.ref().uid());
        if (record == null) {
            record = KaredgeJson.mapper().createObjectNode();
            record.put("uid", pod.ref().uid()).put("namespace", pod.ref().namespace()).put("name", pod.ref().name())
                    .put("created", Instant.now().toString());
            record.putObject("containers");
            write(pod.ref().uid(), record);
        }
        return new SandboxInfo("feature-" + pod.ref().uid(), true, null,
                Instant.parse(record.path("created").asText()), 0);
    }

    @Override
    public String startContainer(PodDescriptor pod, SandboxInfo sandbox, ContainerDescriptor container, int attempt)
            throws PodRuntimeException {
        ObjectNode record = read(pod.ref().uid());
        ObjectNode entry = ((ObjectNode) record.path("containers")).putObject(container.name());
        entry.put("repository", container.image()).put("attempt", attempt).put("started", Instant.now().toString());
        ArrayNode installed = entry.putArray("features");
        container.args().forEach(installed::add);
        try {
            URI repository = URI.create(container.image());
            boolean known = features.getRepository(repository) != null;
            if (!known) {
                features.addRepository(repository);
                entry.put("addedRepository", true);
            }
            write(pod.ref().uid(), record);
            for (String feature : container.args()) {
                int slash = feature.indexOf('/');
                if (slash > 0) {
                    features.installFeature(feature.substring(0, slash), feature.substring(slash + 1),
                            EnumSet.noneOf(FeaturesService.Option.class));
                } else {
                    features.installFeature(feature, EnumSet.noneOf(FeaturesService.Option.class));
                }
            }
            entry.remove("error");
        } catch (Exception e) {
            entry.put("error", String.valueOf(e.getMessage()));
            entry.put("finished", Instant.now().toString());
            write(pod.ref().uid(), record);
            LOG.warn("Pod {}: features {} from {} cannot be installed: {}", pod.ref(), container.args(),
                    container.image(), e.getMessage());
            return "karaf-feature://" + pod.ref().uid() + "/" + container.name();
        }
        write(pod.ref().uid(), record);
        return "karaf-feature://" + pod.ref().uid() + "/" + container.name();
    }

    @Override
    public PodObservation status(PodRef pod) {
        ObjectNode record = read(pod.uid());
        if (record == null) {
            return new PodObservation(pod, null, List.of());
        }
        List<ContainerObservation> containers = new ArrayList<>();
        record.path("containers").fields().forEachRemaining(field -> containers.add(observe(pod, field.getKey(),
                field.getValue())));
        return new PodObservation(pod, new SandboxInfo("feature-" + pod.uid(), true, null,
                Instant.parse(record.path("created").asText()), 0), containers);
    }

    private ContainerObservation observe(PodRef pod, String name, JsonNode entry) {
        String id = "karaf-feature://" + pod.uid() + "/" + name;
        Instant started = Instant.parse(entry.path("started").asText());
        int attempt = entry.path("attempt").asInt();
        String image = entry.path("repository").asText();
        if (entry.hasNonNull("error")) {
            return new ContainerObservation(name, id, attempt, ContainerObservation.State.EXITED, 1, "Error",
                    entry.path("error").asText(), started, started, Instant.parse(entry.path("finished").asText()),
                    image, null);
        }
        List<String> problems = new ArrayList<>();
        for (JsonNode feature : entry.path("features")) {
            problems.addAll(inactiveBundles(feature.asText()));
        }
        if (problems.isEmpty()) {
            return new ContainerObservation(name, id, attempt, ContainerObservation.State.RUNNING, 0, null, null,
                    started, started, null, image, null);
        }
        return new ContainerObservation(name, id, attempt, ContainerObservation.State.CREATED, 0, null,
                "not active: " + String.join(", ", problems), started, null, null, image, null);
    }

    private List<String> inactiveBundles(String spec) {
        int slash = spec.indexOf('/');
        try {
            Feature feature = slash > 0 ? features.getFeature(spec.substring(0, slash), spec.substring(slash + 1))
                    : features.getFeature(spec);
            if (feature == null || !features.isInstalled(feature)) {
                return List.of(spec + " (not installed)");
            }
            List<String> inactive = new ArrayList<>();
            for (var info : feature.getBundles()) {
                for (Bundle bundle : context.getBundles()) {
                    if (info.getLocation().equals(bundle.getLocation()) && bundle.getState() != Bundle.ACTIVE
                            && bundle.getHeaders().get("Fragment-Host") == null) {
                        inactive.add(bundle.getSymbolicName());
                    }
                }
            }
            return inactive;
        } catch (Exception e) {
            return List.of(spec + " (" + e.getMessage() + ")");
        }
    }

    @Override
    public PodObservation kill(PodRef pod, Duration gracePeriod) {
        PodObservation last = status(pod);
        ObjectNode record = read(pod.uid());
        if (record == null) {
            return last;
        }
        record.path("containers").fields().forEachRemaining(field -> {
            for (JsonNode feature : field.getValue().path("features")) {
                String spec = feature.asText();
                int slash = spec.indexOf('/');
                try {
                    if (slash > 0) {
                        features.uninstallFeature(spec.substring(0, slash), spec.substring(slash + 1));
                    } else {
                        features.uninstallFeature(spec);
                    }
                } catch (Exception e) {
                    LOG.info("Pod {}: feature {} not uninstalled: {}", pod, spec, e.getMessage());
                }
            }
            if (field.getValue().path("addedRepository").asBoolean()) {
                try {
                    features.removeRepository(URI.create(field.getValue().path("repository").asText()));
                } catch (Exception e) {
                    LOG.info("Pod {}: repository not removed: {}", pod, e.getMessage());
                }
            }
        });
        try {
            Files.deleteIfExists(records.resolve(pod.uid() + ".json"));
        } catch (IOException e) {
            LOG.warn("Cannot delete the record of {}: {}", pod, e.toString());
        }
        return last;
    }

    @Override
    public List<PodObservation> list() {
        List<PodObservation> pods = new ArrayList<>();
        if (!Files.isDirectory(records)) {
            return pods;
        }
        try (Stream<Path> files = Files.list(records)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                String uid = file.getFileName().toString().replace(".json", "");
                ObjectNode record = read(uid);
                if (record != null) {
                    pods.add(status(new PodRef(uid, record.path("namespace").asText(), record.path("name").asText())));
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot list {}: {}", records, e.toString());
        }
        return pods;
    }

    @Override
    public LogChunk readLog(PodRef pod, String container, boolean previous, long offset, int maxBytes) {
        ObjectNode record = read(pod.uid());
        JsonNode entry = record == null ? null : record.path("containers").get(container);
        if (entry == null) {
            return LogChunk.missing();
        }
        List<String> lines = new ArrayList<>();
        List<Instant> times = new ArrayList<>();
        lines.add("repository " + entry.path("repository").asText() + ", features " + entry.path("features"));
        times.add(instant(entry.path("started").asText(null)));
        if (entry.hasNonNull("error")) {
            lines.add("error: " + entry.path("error").asText());
            times.add(instant(entry.path("finished").asText(null)));
        }
        if (offset > 0) {
            return new LogChunk(List.of(), offset, true);
        }
        // the record keeps when the container started and when it failed: those are the lines' times
        return new LogChunk(lines, 1, true, times.contains(null) ? List.of() : times);
    }

    private static Instant instant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private ObjectNode read(String uid) {
        Path file = records.resolve(uid + ".json");
        try {
            return Files.isRegularFile(file) ? (ObjectNode) KaredgeJson.mapper().readTree(file.toFile()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private void write(String uid, ObjectNode record) {
        try {
            Files.createDirectories(records);
            Path temp = Files.createTempFile(records, ".pod", ".tmp");
            Files.write(temp, KaredgeJson.mapper().writeValueAsBytes(record));
            Files.move(temp, records.resolve(uid + ".json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("Cannot record feature pod {}: {}", uid, e.toString());
        }
    }
}
