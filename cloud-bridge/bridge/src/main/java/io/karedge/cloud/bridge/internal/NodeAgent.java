package io.karedge.cloud.bridge.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.karedge.api.node.ContainerRuntimeInfo;
import io.karedge.api.node.NodeAnnotationContributor;
import io.karedge.api.uplink.Uplink;
import io.karedge.api.uplink.UplinkMessage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet part of the cloud traffic: registers the Node once per run, renews the Lease every
 * {@code lease.interval.s} with the latest resourceVersion the cloud returned, and reports the node status as
 * a strategic-merge patch when it changes, every {@code node.status.interval.s}, and whenever the cloud's copy
 * of the Node is not Ready. Lease and status go through the Uplink with coalesce keys ({@code lease},
 * {@code node-status}), so the latest of each survives an outage or a restart.
 *
 * <p><b>Registration</b> follows kubelet, which registers once per process and never again on a reconnect:
 * on the first connect of a run the Node is looked up ({@code query null/node/<n>}); a Node the cloud has is
 * registered already, and only a Node it does not have (or a look-up without an answer) leads to the
 * {@code insert}. Both go on the session, not through the Uplink, so an {@code insert} whose answer was lost
 * is not sent again blind after a reconnect: the next connect looks the Node up first. CloudCore thus never
 * sees an {@code insert} for a Node that exists (it would log "register node failed: already exists") but
 * after a look-up that went unanswered; {@code AlreadyExists} counts as registered, as for kubelet. A
 * registration the cloud refuses, or that gets no answer, is tried again after
 * {@value #REGISTER_RETRY_MILLIS} ms.
 *
 * <p><b>Annotations.</b> The node owns the {@code karedge.io} annotation domain on its Node (see
 * {@link NodeAnnotationContributor}). The {@code insert} carries the contributors' annotations,
 * and so does every status patch, in {@code metadata.annotations} next to {@code status}: CloudCore applies a
 * {@code nodepatch} to the Node's status subresource, which for Nodes keeps changes to the metadata (only
 * {@code spec} is reset), whereas it answers an {@code insert} of an existing Node with {@code AlreadyExists} and
 * applies nothing. An annotation of the domain that the cloud's copy of the Node has (learnt from the look-up,
 * from the answers to the patches and from pushes of this Node) or that this run published, and that no
 * contributor gives any more, goes as {@code null}, which a strategic-merge patch turns into a removal.
 */
final class NodeAgent implements UplinkDrainer.AnswerListener {

    static final String KEY_LEASE = "lease";
    static final String KEY_STATUS = "node-status";
    private static final long CHANGE_CHECK_MILLIS = 10_000;
    /** kubelet's longest wait between registration attempts. */
    static final long REGISTER_RETRY_MILLIS = 7_000;

    private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);

    private final BridgeSettings settings;
    private final Path dataDirectory;
    private final Uplink uplink;
    private final Supplier<ContainerRuntimeInfo> runtime;
    private final RemoteQueries queries;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final Supplier<Map<String, String>> annotations;

    private final Object lock = new Object();
    private ObjectNode knownLease;
    private String nodeUid = "";
    /** The cloud has this Node (found, created, or AlreadyExists) since this agent started. */
    private boolean registered;
    /** A look-up or a creation is waiting for its answer. */
    private boolean registering;
    private Map<String, NodeObjects.Condition> conditions = new LinkedHashMap<>();
    private JsonNode lastReported;
    private Instant lastReportAt = Instant.EPOCH;
    private ScheduledFuture<?> leaseTask;
    private ScheduledFuture<?> statusTask;
    private volatile Runnable onRegistered = () -> { };
    /** The annotations of the node's domain on the cloud's copy of the Node, as last seen; null while unknown. */
    private Map<String, String> cloudAnnotations;
    /** Keys of the node's domain this run sent with a value and has not seen removed since. */
    private final Set<String> published = new HashSet<>();

    NodeAgent(BridgeSettings settings, Path dataDirectory, Uplink uplink, Supplier<ContainerRuntimeInfo> runtime,
              RemoteQueries queries, ScheduledExecutorService scheduler, Clock clock) {
        this(settings, dataDirectory, uplink, runtime, queries, scheduler, clock, Map::of);
    }

    /** @param annotations the annotations the node publishes on its Node now ({@link PublishedAnnotations}) */
    NodeAgent(BridgeSettings settings, Path dataDirectory, Uplink uplink, Supplier<ContainerRuntimeInfo> runtime,
              RemoteQueries queries, ScheduledExecutorService scheduler, Clock clock,
              Supplier<Map<String, String>> annotations) {
        this.annotations = annotations;
        this.settings = settings;
        this.dataDirectory = dataDirectory;
        this.uplink = uplink;
        this.runtime = runtime;
        this.queries = queries;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    void start() {
        leaseTask = scheduler.scheduleWithFixedDelay(guard(this::renewLease), settings.leaseIntervalMillis(),
                settings.leaseIntervalMillis(), TimeUnit.MILLISECONDS);
        long check = Math.min(CHANGE_CHECK_MILLIS, settings.nodeStatusIntervalMillis());
        statusTask = scheduler.scheduleWithFixedDelay(guard(() -> reportStatus(false)), check, check,
                TimeUnit.MILLISECONDS);
    }

    void stop() {
        if (leaseTask != null) {
            leaseTask.cancel(false);
        }
        if (statusTask != null) {
            statusTask.cancel(false);
        }
    }

    /** A new session: register unless done in this run, learn the lease, report the status now. */
    void connected() {
        scheduler.execute(guard(() -> {
            if (!startRegistration()) {
                reportStatus(true);
            }
            queryLease();
        }));
    }

    /** The published annotations may have changed: report at once if the Node is registered (else registering sends them). */
    void annotationsChanged() {
        scheduler.execute(guard(() -> {
            if (registered()) {
                reportStatus(false);
            }
        }));
    }

    /** Runs {@code hook} (on the link thread) each time the cloud is found to have this node's Node. */
    void onRegistered(Runnable hook) {
        this.onRegistered = hook;
    }

    boolean registered() {
        synchronized (lock) {
            return registered;
        }
    }

    /** @return whether a registration starts (not registered in this run, and none on its way) */
    private boolean startRegistration() {
        synchronized (lock) {
            if (registered || registering) {
                return false;
            }
            registering = true;
        }
        lookUpNode();
        return true;
    }

    private void registrationEnded(boolean done, JsonNode node, boolean retry) {
        if (node != null) {
            rememberUid(node);
            cloudCopy(node);
        }
        synchronized (lock) {
            registering = false;
            registered |= done;
        }
        if (done) {
            onRegistered.run();
            reportStatus(true);
        } else if (retry) {
            scheduler.schedule(guard(this::startRegistration), REGISTER_RETRY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Asks the cloud for this Node, and creates it only if the cloud does not have it or does not answer. */
    private void lookUpNode() {
        Message query = Message.request(Routes.SOURCE_EDGED, Routes.GROUP_META, Routes.QUERY,
                NodeObjects.nodeResource(settings.nodeName()), NullNode.getInstance());
        queries.request(query, Duration.ofMillis(settings.ackTimeoutMillis())).whenComplete((answer, failure) ->
                scheduler.execute(guard(() -> {
                    if (failure == null && isThisNode(answer.content())) {
                        LOG.info("Node {} is registered with the cloud already", settings.nodeName());
                        registrationEnded(true, answer.content().has("Object") ? answer.content().get("Object")
                                : answer.content(), false);
                    } else if (failure instanceof RemoteQueries.NotConnectedException) {
                        // the next connect starts again
                        registrationEnded(false, null, false);
                    } else {
                        LOG.debug("Node look-up: {}; registering", failure != null ? failure.toString()
                                : answer.content());
                        createNode();
                    }
                })));
    }

    private boolean isThisNode(JsonNode content) {
        if (ContentDecoder.isError(content)) {
            return false;
        }
        JsonNode node = content.has("Object") ? content.get("Object") : ContentDecoder.object(content).orElse(null);
        return node != null && settings.nodeName().equals(node.path("metadata").path("name").asText());
    }

    /**
     * Sends the Node {@code insert} on the current session, not through the Uplink: a creation that was not
     * answered is never sent again blind after a reconnect; the next connect looks the Node up first.
     */
    private void createNode() {
        MachineInfo machine = MachineInfo.read(dataDirectory);
        Instant now = clock.instant();
        ContainerRuntimeInfo info = runtime.get();
        Map<String, NodeObjects.Condition> current;
        synchronized (lock) {
            conditions = NodeObjects.conditions(machine, info, conditions, now);
            current = conditions;
        }
        ObjectNode node = NodeObjects.node(settings.nodeName(), machine, info, current, now);
        Map<String, String> wanted = annotations.get();
        if (!wanted.isEmpty()) {
            ObjectNode annotationsNode = ((ObjectNode) node.get("metadata")).putObject("annotations");
            wanted.forEach(annotationsNode::put);
            synchronized (lock) {
                published.addAll(wanted.keySet());
            }
        }
        Message insert = Message.request(Routes.SOURCE_EDGED, Routes.GROUP_META, Routes.INSERT,
                NodeObjects.nodeResource(settings.nodeName()), node);
        queries.request(insert, Duration.ofMillis(settings.ackTimeoutMillis())).whenComplete((answer, failure) ->
                scheduler.execute(guard(() -> {
                    if (failure != null) {
                        LOG.debug("Node registration: {}", failure.toString());
                        registrationEnded(false, null, !(failure instanceof RemoteQueries.NotConnectedException));
                        return;
                    }
                    createAnswer(answer.content());
                })));
    }

    private void createAnswer(JsonNode content) {
        String reason = ContentDecoder.errorReason(content);
        if (ContentDecoder.isError(content) && !"AlreadyExists".equals(reason)) {
            LOG.warn("Registering node {} failed: {}; trying again in {} s", settings.nodeName(),
                    reason.isEmpty() ? content : reason, REGISTER_RETRY_MILLIS / 1000);
            registrationEnded(false, null, true);
        } else {
            LOG.info("Node {} is registered with the cloud", settings.nodeName());
            registrationEnded(true, content.path("Object"), false);
        }
    }

    /** The cloud pushed this node's Node object. */
    void cloudNode(ObjectNode node) {
        String uid = node.path("metadata").path("uid").asText("");
        synchronized (lock) {
            if (!uid.isEmpty()) {
                nodeUid = uid;
            }
        }
        boolean ready = false;
        for (JsonNode condition : node.path("status").path("conditions")) {
            if ("Ready".equals(condition.path("type").asText()) && "True".equals(condition.path("status").asText())) {
                ready = true;
            }
        }
        boolean annotationsDiffer = cloudCopy(node);
        if (!ready) {
            LOG.info("The cloud's copy of node {} is not Ready; reporting the status again", settings.nodeName());
            scheduler.execute(guard(() -> reportStatus(true)));
        } else if (annotationsDiffer && registered()) {
            LOG.info("The cloud's copy of node {} has other {} annotations than the node publishes; reporting again",
                    settings.nodeName(), NodeAnnotationContributor.DOMAIN);
            scheduler.execute(guard(() -> reportStatus(true)));
        }
    }

    /**
     * Remembers the annotations of the node's domain on a copy of the Node the cloud returned or pushed.
     *
     * @return whether they differ from what the node publishes now
     */
    private boolean cloudCopy(JsonNode node) {
        JsonNode metadata = node.path("metadata");
        if (!metadata.isObject()) {
            return false;
        }
        Map<String, String> owned = new TreeMap<>();
        metadata.path("annotations").fields().forEachRemaining(field -> {
            if (NodeAnnotationContributor.owned(field.getKey()) && field.getValue().isTextual()) {
                owned.put(field.getKey(), field.getValue().asText());
            }
        });
        Map<String, String> wanted = annotations.get();
        synchronized (lock) {
            cloudAnnotations = owned;
            published.removeIf(key -> !owned.containsKey(key) && !wanted.containsKey(key));
        }
        return !owned.equals(wanted);
    }

    @Override
    public void answered(UplinkMessage sent, Message answer) {
        if (!Routes.SOURCE_EDGED.equals(sent.source())) {
            return;
        }
        if (sent.resource().equals(NodeObjects.leaseResource(settings.nodeName()))) {
            leaseAnswer(answer);
        } else if (sent.resource().equals(NodeObjects.nodePatchResource(settings.nodeName()))) {
            JsonNode content = answer.content();
            if (!ContentDecoder.isError(content) && content.path("Object").isObject()) {
                cloudCopy(content.get("Object"));
            } else {
                LOG.debug("Node status patch answer {}", content);
            }
        }
    }

    private void leaseAnswer(Message answer) {
        JsonNode content = answer.content();
        JsonNode object = content.path("Object");
        if (!ContentDecoder.isError(content) && object.isObject() && !object.isEmpty()) {
            synchronized (lock) {
                knownLease = (ObjectNode) object.deepCopy();
            }
            return;
        }
        String reason = ContentDecoder.errorReason(content);
        switch (reason) {
            case "NotFound" -> {
                synchronized (lock) {
                    knownLease = null;
                }
            }
            case "Conflict", "AlreadyExists" -> queryLease();
            default -> LOG.debug("Lease answer {}", content);
        }
    }

    private void queryLease() {
        Message query = Message.request(Routes.SOURCE_EDGED, Routes.GROUP_META, Routes.QUERY,
                NodeObjects.leaseResource(settings.nodeName()), NullNode.getInstance());
        queries.request(query, Duration.ofMillis(settings.ackTimeoutMillis())).whenComplete((answer, failure) -> {
            if (failure == null) {
                leaseAnswer(answer);
            } else {
                LOG.debug("Lease query: {}", failure.toString());
            }
        });
    }

    void renewLease() {
        Instant now = clock.instant();
        ObjectNode lease;
        String operation;
        synchronized (lock) {
            if (knownLease != null) {
                lease = NodeObjects.renewed(knownLease, now);
                operation = Routes.UPDATE;
            } else {
                lease = NodeObjects.newLease(settings.nodeName(), nodeUid, now);
                operation = Routes.INSERT;
            }
        }
        enqueue(operation, NodeObjects.leaseResource(settings.nodeName()), lease, KEY_LEASE);
    }

    /** Reports the status if forced, if it changed (heartbeat times aside), or if the interval has passed. */
    void reportStatus(boolean force) {
        MachineInfo machine = MachineInfo.read(dataDirectory);
        ContainerRuntimeInfo info = runtime.get();
        Instant now = clock.instant();
        Map<String, String> wanted = annotations.get();
        ObjectNode status;
        ObjectNode annotationPatch;
        synchronized (lock) {
            conditions = NodeObjects.conditions(machine, info, conditions, now);
            status = NodeObjects.status(settings.nodeName(), machine, info, conditions, now);
            annotationPatch = annotationPatch(wanted);
            ObjectNode comparable = withoutHeartbeats(status);
            comparable.set("annotations", MessageCodec.mapper().valueToTree(wanted));
            boolean due = Duration.between(lastReportAt, now).toMillis() >= settings.nodeStatusIntervalMillis();
            if (!force && !due && comparable.equals(lastReported)) {
                return;
            }
            lastReported = comparable;
            lastReportAt = now;
            published.addAll(wanted.keySet());
        }
        ObjectNode patch = MessageCodec.mapper().createObjectNode();
        if (!annotationPatch.isEmpty()) {
            patch.putObject("metadata").set("annotations", annotationPatch);
        }
        patch.set("status", status);
        // EdgeCore sends node patches as a JSON string; CloudCore accepts both forms
        enqueue(Routes.PATCH, NodeObjects.nodePatchResource(settings.nodeName()),
                TextNode.valueOf(MessageCodec.mapper().valueToTree(patch).toString()), KEY_STATUS);
    }

    /**
     * The annotations part of a status patch: every annotation the node publishes, and {@code null} (remove) for
     * each key of its domain the cloud's copy has or this run published that is no longer given. Under the lock.
     */
    private ObjectNode annotationPatch(Map<String, String> wanted) {
        ObjectNode patch = MessageCodec.mapper().createObjectNode();
        Set<String> stale = new TreeSet<>(published);
        if (cloudAnnotations != null) {
            stale.addAll(cloudAnnotations.keySet());
        }
        stale.removeAll(wanted.keySet());
        wanted.forEach(patch::put);
        stale.forEach(patch::putNull);
        return patch;
    }

    private static ObjectNode withoutHeartbeats(ObjectNode status) {
        ObjectNode copy = status.deepCopy();
        for (JsonNode condition : copy.path("conditions")) {
            ((ObjectNode) condition).remove("lastHeartbeatTime");
        }
        copy.remove("allocatable");
        ((ObjectNode) copy.path("capacity")).remove("ephemeral-storage");
        return copy;
    }

    private void rememberUid(JsonNode node) {
        String uid = node.path("metadata").path("uid").asText("");
        if (!uid.isEmpty()) {
            synchronized (lock) {
                nodeUid = uid;
            }
        }
    }

    private void enqueue(String operation, String resource, JsonNode content, String key) {
        uplink.enqueue(new UplinkMessage(Routes.SOURCE_EDGED, Routes.GROUP_META, operation, resource, content, key));
    }

    private Runnable guard(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("Node report failed: {}", e.toString(), e);
            }
        };
    }
}
