package io.karedge.cloud.bridge.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.ToIntFunction;

/**
 * CloudCore's DynamicController for the CloudHub double, as KubeEdge v1.22 has it
 * ({@code cloud/pkg/dynamiccontroller/application}): a cluster of Services, Endpoints and Nodes (the API server's
 * part), MetaServer applications answered like the application center does, and watch listeners per node that
 * send every change as an ACK-required push.
 *
 * <ul>
 *   <li>An application arrives as source {@code metaserver}, group {@code dynamiccontroller}; its content must
 *       unmarshal into the Go {@code Application} struct (Go field names, {@code []byte} fields as base64), else
 *       CloudCore logs "failed to translate msg to Application" and <b>answers nothing</b>. With CloudHub's
 *       authorization on (modelled here), an application whose {@code Nodename} is not the session's node is
 *       dropped the same way.</li>
 *   <li>{@code list}: the {@code Option} must unmarshal as ListOptions (else {@code Rejected} with CloudCore's
 *       reason); a resource the API server does not serve is {@code Rejected} with a NotFound {@code ErrStatus}.
 *       {@code Approved} carries the {@code UnstructuredList} as base64 {@code RespBody}.</li>
 *   <li>{@code watch}: a listener named by the application's {@code ID}; adding it sends every matching object
 *       as an {@code insert} first. Listeners live in CloudCore's memory: they survive the node's reconnects and
 *       are lost when CloudCore restarts ({@link #restartCloudCore()}).</li>
 *   <li>{@code watchapp/sync}: the content is a map of ID to Application; listeners of the node not in it are
 *       deleted, applications without a listener are added, and the answer is the map of those that failed.</li>
 *   <li>Answers: source {@code dynamiccontroller}, group {@code resource}, operation {@code applicationResponse},
 *       parent id the application's message, resource {@code ignore/Application/ignore} (the sync's own resource
 *       for a sync), sent at once (CloudHub's no-ACK queue). Events: {@code insert}/{@code update}/{@code delete}
 *       of {@code <ns>/<service|endpoints|node>/<name>} (namespace {@code null} for Nodes), the object's
 *       resourceVersion in the header, on the node's ACK queue (one in flight, resent until ACKed).</li>
 * </ul>
 * Label and field selectors are not modelled: an application with one fails the test that sent it.
 */
public final class DynamicControllerDouble {

    /** Served resources and the kind of their objects. */
    static final Map<String, String> KINDS = Map.of("services", "Service", "endpoints", "Endpoints", "nodes", "Node");

    private record Listener(String id, String node, String resource, String namespace) {
    }

    private final Map<String, Map<String, ObjectNode>> cluster = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Listener>> listeners = new ConcurrentHashMap<>();
    private final Map<String, BlockingQueue<Message>> queues = new ConcurrentHashMap<>();
    private final List<String> cloudCoreLog;
    private final BiFunction<String, Message, Boolean> sendToNode;
    private final ToIntFunction<String> acks;
    private long resourceVersion = 1000;
    private volatile boolean closed;

    /** {@code dynamicController.enable}: when false, applications reach no module and are never answered. */
    public volatile boolean enabled = true;
    /**
     * Resources whose watch CloudCore cannot add, with the error it gets (as when the API server forbids
     * CloudCore's service account to watch them): a sync names such a watch among the failed applications with
     * that reason, as {@code processWatchApp} failing does.
     */
    public final Map<String, String> refusedWatches = new ConcurrentHashMap<>();

    /**
     * Resources whose list fails in CloudCore, with the error (as when the API server refuses the list): a list
     * application for one is answered {@code Rejected} with that reason.
     */
    public final Map<String, String> failedLists = new ConcurrentHashMap<>();

    /** Applications answered, by verb ({@code list}, {@code watch}, {@code sync}). */
    public final Map<String, AtomicInteger> answered = new ConcurrentHashMap<>();

    DynamicControllerDouble(List<String> cloudCoreLog, BiFunction<String, Message, Boolean> sendToNode,
                            ToIntFunction<String> acks) {
        this.cloudCoreLog = cloudCoreLog;
        this.sendToNode = sendToNode;
        this.acks = acks;
        KINDS.keySet().forEach(resource -> cluster.put(resource, new ConcurrentHashMap<>()));
    }

    // ---- the cluster (API server) -------------------------------------------------------------------

    /** Creates or replaces an object (kubectl apply); listeners get {@code insert} or {@code update}. */
    public synchronized ObjectNode apply(String resource, ObjectNode object) {
        ObjectNode copy = object.deepCopy();
        copy.put("apiVersion", "v1").put("kind", KINDS.get(resource));
        ObjectNode metadata = copy.with("metadata");
        metadata.put("resourceVersion", Long.toString(++resourceVersion));
        String key = key(metadata.path("namespace").asText(""), metadata.path("name").asText());
        boolean existed = cluster.get(resource).containsKey(key);
        if (!metadata.hasNonNull("uid")) {
            ObjectNode held = cluster.get(resource).get(key);
            metadata.put("uid", held != null ? held.path("metadata").path("uid").asText()
                    : "uid-" + resource + "-" + resourceVersion);
        }
        cluster.get(resource).put(key, copy);
        event(resource, existed ? Routes.UPDATE : Routes.INSERT, copy);
        return copy.deepCopy();
    }

    /** Deletes an object; listeners get {@code delete} with its last state at the deletion's version. */
    public synchronized boolean remove(String resource, String namespace, String name) {
        ObjectNode held = cluster.get(resource).remove(key(namespace, name));
        if (held == null) {
            return false;
        }
        held.with("metadata").put("resourceVersion", Long.toString(++resourceVersion));
        event(resource, Routes.DELETE, held);
        return true;
    }

    /** @return the objects of a resource now, keyed {@code namespace/name} (cluster-scoped: {@code /name}) */
    public synchronized Map<String, ObjectNode> objects(String resource) {
        return new TreeMap<>(cluster.get(resource));
    }

    /** CloudCore restarts: every listener and every message waiting for a node (kept in memory only) is gone. */
    public synchronized void restartCloudCore() {
        listeners.clear();
        queues.values().forEach(BlockingQueue::clear);
    }

    /** @return the IDs of the node's listeners */
    public synchronized Set<String> listeners(String node) {
        return Set.copyOf(listeners.getOrDefault(node, Map.of()).keySet());
    }

    /** @return events waiting for the node, the one in flight included */
    public int eventsWaiting(String node) {
        BlockingQueue<Message> queue = queues.get(node);
        return queue == null ? 0 : queue.size();
    }

    void close() {
        closed = true;
    }

    private static String key(String namespace, String name) {
        return namespace + "/" + name;
    }

    private void event(String resource, String operation, ObjectNode object) {
        for (Map<String, Listener> ofNode : listeners.values()) {
            for (Listener listener : ofNode.values()) {
                if (listener.resource.equals(resource) && matches(listener, object)) {
                    enqueue(listener.node, operation, resource, object);
                }
            }
        }
    }

    private static boolean matches(Listener listener, ObjectNode object) {
        return listener.namespace.isEmpty()
                || listener.namespace.equals(object.path("metadata").path("namespace").asText(""));
    }

    private void enqueue(String node, String operation, String resource, ObjectNode object) {
        JsonNode metadata = object.path("metadata");
        String namespace = metadata.path("namespace").asText("");
        String type = KINDS.get(resource).toLowerCase(java.util.Locale.ROOT);
        Message message = new Message(Message.newId(), "", System.currentTimeMillis(),
                metadata.path("resourceVersion").asText(""), "dynamiccontroller", Routes.GROUP_RESOURCE, operation,
                (namespace.isEmpty() ? "null" : namespace) + "/" + type + "/" + metadata.path("name").asText(),
                object.deepCopy());
        queues.computeIfAbsent(node, this::startQueue).add(message);
    }

    private BlockingQueue<Message> startQueue(String node) {
        BlockingQueue<Message> queue = new LinkedBlockingQueue<>();
        Thread worker = new Thread(() -> deliver(node, queue), "double-dynamic-" + node);
        worker.setDaemon(true);
        worker.start();
        return queue;
    }

    /** CloudHub's ACK queue of one node: one message in flight, sent again every 300 ms until ACKed. */
    private void deliver(String node, BlockingQueue<Message> queue) {
        try {
            while (!closed) {
                Message message = queue.peek();
                if (message == null) {
                    Thread.sleep(5);
                    continue;
                }
                long nextSend = 0;
                while (!closed && acks.applyAsInt(message.id()) == 0) {
                    if (System.nanoTime() >= nextSend && sendToNode.apply(node, message)) {
                        nextSend = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
                    }
                    Thread.sleep(2);
                }
                queue.remove(message); // a CloudCore restart may have emptied the queue meanwhile
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- applications -------------------------------------------------------------------------------

    /** A message from {@code node}'s session with source {@code metaserver}. */
    synchronized void receive(Channel channel, String node, Message message) {
        if (!enabled) {
            return;
        }
        if (message.resource().endsWith("watchapp/sync")) {
            watchSync(channel, node, message);
            return;
        }
        ObjectNode application;
        try {
            application = application(message.content());
        } catch (IllegalArgumentException e) {
            cloudCoreLog.add("failed to translate msg to Application: " + e.getMessage());
            return;
        }
        if (!node.equals(application.path("Nodename").asText())) {
            cloudCoreLog.add("[metaserver/authorization]failed to process Application(" + application.path("Key")
                    .asText() + "), node " + node + " sent it for " + application.path("Nodename").asText());
            return;
        }
        String verb = application.path("Verb").asText();
        answered.computeIfAbsent(verb, v -> new AtomicInteger()).incrementAndGet();
        String problem;
        ObjectNode error = null;
        JsonNode respBody = NullNode.getInstance();
        String[] key = parseKey(application.path("Key").asText());
        ObjectNode option = option(application);
        switch (verb) {
            case "list" -> {
                if (option == null) {
                    problem = "failed to parse Option bytes, unexpected end of JSON input";
                } else if (!KINDS.containsKey(key[0])) {
                    problem = null;
                    error = notFound();
                } else if (failedLists.containsKey(key[0])) {
                    problem = failedLists.get(key[0]);
                } else {
                    problem = null;
                    respBody = base64(list(key[0], key[1]));
                }
            }
            case "watch" -> {
                problem = option == null ? "failed to parse Option bytes, unexpected end of JSON input" : null;
                if (problem == null) {
                    if (!KINDS.containsKey(key[0])) {
                        error = notFound();
                    } else {
                        addListener(application.path("ID").asText(), node, key, option);
                    }
                }
            }
            default -> problem = "unsupported Application Verb type :" + verb + " (not modelled by the double)";
        }
        ObjectNode answer = application.deepCopy();
        boolean approved = problem == null && error == null;
        answer.put("Status", approved ? "Approved" : "Rejected");
        if (problem != null) {
            answer.put("Reason", problem);
        }
        if (error != null) {
            answer.putObject("Error").set("ErrStatus", error);
        }
        answer.set("RespBody", respBody);
        respond(channel, message, "ignore/Application/ignore", answer);
    }

    private void watchSync(Channel channel, String node, Message message) {
        ObjectNode applications = ContentDecoder.object(message.content()).orElse(null);
        if (applications == null) {
            cloudCoreLog.add("failed to ProcessWatchSync: failed translate msg to Applications");
            return;
        }
        // MsgToApplications unmarshals the whole map first: one bad entry fails the message, nothing changes
        Map<String, ObjectNode> parsed = new TreeMap<>();
        for (Map.Entry<String, JsonNode> entry : applications.properties()) {
            try {
                parsed.put(entry.getKey(), application(entry.getValue()));
            } catch (IllegalArgumentException e) {
                cloudCoreLog.add("failed to ProcessWatchSync: failed translate msg to Applications: " + e.getMessage());
                return;
            }
        }
        answered.computeIfAbsent("sync", v -> new AtomicInteger()).incrementAndGet();
        Map<String, Listener> held = listeners.computeIfAbsent(node, n -> new ConcurrentHashMap<>());
        // listeners of this node the edge no longer names are deleted
        held.keySet().removeIf(id -> !parsed.containsKey(id));
        ObjectNode failed = MessageCodec.mapper().createObjectNode();
        for (Map.Entry<String, ObjectNode> entry : parsed.entrySet()) {
            if (held.containsKey(entry.getKey())) {
                continue;
            }
            ObjectNode application = entry.getValue();
            if (!node.equals(application.path("Nodename").asText())) {
                // ProcessWatchSync returns an error before answering
                cloudCoreLog.add("failed to ProcessWatchSync: node name \"" + application.path("Nodename").asText()
                        + "\" is not allowed");
                return;
            }
            String[] key = parseKey(application.path("Key").asText());
            ObjectNode option = option(application);
            String reason = option == null ? "failed to parse Option bytes, unexpected end of JSON input"
                    : !KINDS.containsKey(key[0]) ? "resource " + key[0] + " is not served"
                    : refusedWatches.get(key[0]);
            if (reason != null) {
                application.put("Status", "Rejected").put("Reason", reason);
                failed.set(application.path("ID").asText(), application);
                cloudCoreLog.add("processWatchApp " + application.path("Key").asText() + " err: " + reason);
                continue;
            }
            addListener(application.path("ID").asText(), node, key, option);
        }
        respond(channel, message, message.resource(), failed);
    }

    private void addListener(String id, String node, String[] key, ObjectNode option) {
        if (!option.path("labelSelector").asText("").isEmpty() || !option.path("fieldSelector").asText("").isEmpty()) {
            throw new UnsupportedOperationException("the double does not model selectors: " + option);
        }
        Listener listener = new Listener(id, node, key[0], key[1]);
        for (ObjectNode object : cluster.get(key[0]).values()) {
            if (matches(listener, object)) {
                enqueue(node, Routes.INSERT, key[0], object);
            }
        }
        listeners.computeIfAbsent(node, n -> new ConcurrentHashMap<>()).put(id, listener);
    }

    private ObjectNode list(String resource, String namespace) {
        ObjectNode list = MessageCodec.mapper().createObjectNode();
        list.put("apiVersion", "v1").put("kind", KINDS.get(resource) + "List");
        list.putObject("metadata").put("resourceVersion", Long.toString(resourceVersion));
        var items = list.putArray("items");
        new TreeMap<>(cluster.get(resource)).values().stream()
                .filter(object -> namespace.isEmpty()
                        || namespace.equals(object.path("metadata").path("namespace").asText("")))
                .forEach(object -> items.add(object.deepCopy()));
        return list;
    }

    private void respond(Channel channel, Message request, String resource, JsonNode content) {
        Message answer = new Message(Message.newId(), request.id(), System.currentTimeMillis(), "",
                "dynamiccontroller", Routes.GROUP_RESOURCE, Routes.APPLICATION_RESPONSE, resource, content);
        channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(MessageCodec.encode(answer))));
    }

    /**
     * Go's {@code json.Unmarshal} into {@code Application}: an object whose fields, where present, have the
     * struct's types ({@code []byte} as base64 strings or null).
     */
    private static ObjectNode application(JsonNode content) {
        ObjectNode application = ContentDecoder.object(content)
                .orElseThrow(() -> new IllegalArgumentException("content is not an Application object"));
        for (String field : List.of("ID", "Key", "Verb", "Nodename", "Subresource", "Status", "Reason")) {
            JsonNode value = application.get(field);
            if (value != null && !value.isNull() && !value.isTextual()) {
                throw new IllegalArgumentException("json: cannot unmarshal " + value.getNodeType()
                        + " into Go struct field Application." + field + " of type string");
            }
        }
        for (String field : List.of("Option", "ReqBody", "RespBody")) {
            JsonNode value = application.get(field);
            if (value != null && !value.isNull()) {
                if (!value.isTextual()) {
                    throw new IllegalArgumentException("json: cannot unmarshal " + value.getNodeType()
                            + " into Go struct field Application." + field + " of type []uint8");
                }
                try {
                    Base64.getDecoder().decode(value.asText());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("illegal base64 data in Application." + field);
                }
            }
        }
        return application.deepCopy();
    }

    /** @return the Option as ListOptions, or null where Go's Unmarshal fails */
    private static ObjectNode option(ObjectNode application) {
        JsonNode option = application.get("Option");
        if (option == null || option.isNull() || option.asText().isEmpty()) {
            return null;
        }
        try {
            JsonNode tree = MessageCodec.mapper().readTree(Base64.getDecoder().decode(option.asText()));
            return tree instanceof ObjectNode object ? object : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code /core/v1/services/null/null} to {resource, namespace} ({@code null} namespace: all). */
    private static String[] parseKey(String key) {
        String[] parts = key.split("/", -1);
        String resource = parts.length > 3 && "core".equals(parts[1]) && "v1".equals(parts[2]) ? parts[3] : "";
        String namespace = parts.length > 4 && !"null".equals(parts[4]) ? parts[4] : "";
        return new String[] {resource, namespace};
    }

    private static ObjectNode notFound() {
        ObjectNode status = MessageCodec.mapper().createObjectNode();
        status.putObject("metadata");
        status.put("status", "Failure").put("message", "the server could not find the requested resource")
                .put("reason", "NotFound").put("code", 404);
        return status;
    }

    private static JsonNode base64(ObjectNode body) {
        try {
            return com.fasterxml.jackson.databind.node.TextNode.valueOf(
                    Base64.getEncoder().encodeToString(MessageCodec.mapper().writeValueAsBytes(body)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The ID EdgeCore gives an application (hex SHA-256 of its request fields), for tests that build one. */
    static String identifier(String node, String key, String verb, String option) {
        try {
            var digest = java.security.MessageDigest.getInstance("SHA-256");
            digest.update((node + key + verb + option).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
