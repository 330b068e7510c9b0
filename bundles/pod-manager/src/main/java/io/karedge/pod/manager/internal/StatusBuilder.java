package io.karedge.pod.manager.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.pod.ContainerDescriptor;
import io.karedge.pod.ContainerObservation;
import io.karedge.pod.PodObservation;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Computes a Pod's {@code status} the way kubelet does: container states from what the runtime reports
 * and why the manager holds a container back, the phase from the containers and the restart policy, the
 * four conditions with their transition times kept while they do not change.
 */
final class StatusBuilder {

    /** Everything the status is computed from. */
    record Input(List<ContainerDescriptor> containers, PodObservation observation, Map<String, ContainerTrack> tracks,
                 String restartPolicy, boolean terminal, String hostIp, String podIp, Instant startTime,
                 String podReason, String podMessage, ObjectNode previous, Instant now) {
    }

    private StatusBuilder() {
    }

    static ObjectNode build(Input in) {
        ObjectNode status = KaredgeJson.mapper().createObjectNode();
        ArrayNode statuses = KaredgeJson.mapper().createArrayNode();
        int running = 0;
        int waiting = 0;
        int stopped = 0;
        int succeeded = 0;
        int unknown = 0;
        List<String> unready = new ArrayList<>();
        for (ContainerDescriptor container : in.containers()) {
            ContainerObservation seen = in.observation() == null ? null
                    : in.observation().container(container.name()).orElse(null);
            ContainerTrack track = in.tracks().get(container.name());
            ObjectNode cs = statuses.addObject();
            cs.put("name", container.name());
            ObjectNode state = cs.putObject("state");
            ObjectNode lastState = cs.putObject("lastState");
            boolean ready = false;
            String reasonWaiting = track == null ? null : track.waitingReason;
            String messageWaiting = track == null ? null : track.waitingMessage;
            if (seen == null || seen.state() == ContainerObservation.State.CREATED) {
                waiting(state, reasonWaiting == null ? "ContainerCreating" : reasonWaiting, messageWaiting);
                if (track != null && track.previous != null) {
                    terminated(lastState.putObject("terminated"), track.previous);
                    stopped++;
                    succeeded += track.previous.exitCode() == 0 ? 1 : 0;
                } else {
                    waiting++;
                }
            } else if (seen.state() == ContainerObservation.State.RUNNING) {
                ObjectNode runningNode = state.putObject("running");
                putTime(runningNode, "startedAt", seen.startedAt());
                if (track != null && track.previous != null) {
                    terminated(lastState.putObject("terminated"), track.previous);
                }
                ready = !in.terminal();
                running++;
            } else if (seen.state() == ContainerObservation.State.EXITED) {
                if (reasonWaiting != null && !in.terminal()) {
                    waiting(state, reasonWaiting, messageWaiting);
                    terminated(lastState.putObject("terminated"), seen);
                } else {
                    terminated(state.putObject("terminated"), seen);
                    if (track != null && track.previous != null) {
                        terminated(lastState.putObject("terminated"), track.previous);
                    }
                }
                stopped++;
                succeeded += seen.exitCode() == 0 ? 1 : 0;
            } else {
                waiting(state, "ContainerStatusUnknown", "the runtime does not know the container's state");
                unknown++;
            }
            cs.put("ready", ready);
            cs.put("restartCount", seen != null ? seen.attempt() : track == null ? 0 : track.restartCount());
            cs.put("image", container.image());
            cs.put("imageID", seen == null || seen.imageId() == null ? "" : seen.imageId());
            if (seen != null && seen.id() != null) {
                cs.put("containerID", seen.id());
            }
            cs.put("started", seen != null && seen.state() == ContainerObservation.State.RUNNING);
            if (!ready) {
                unready.add(container.name());
            }
        }
        String phase = phase(in.restartPolicy(), in.terminal(), running, waiting, stopped, succeeded, unknown,
                in.containers().size());
        status.put("phase", phase);
        boolean allReady = unready.isEmpty() && !in.containers().isEmpty();
        boolean completed = "Succeeded".equals(phase) || "Failed".equals(phase);
        ArrayNode conditions = status.putArray("conditions");
        condition(conditions, in, "PodScheduled", true, null, null);
        condition(conditions, in, "Initialized", true, null, null);
        String notReadyReason = completed ? "PodCompleted" : "ContainersNotReady";
        String notReadyMessage = completed ? null : "containers with unready status: [" + String.join(" ", unready) + "]";
        condition(conditions, in, "ContainersReady", allReady, allReady ? null : notReadyReason,
                allReady ? null : notReadyMessage);
        condition(conditions, in, "Ready", allReady, allReady ? null : notReadyReason, allReady ? null : notReadyMessage);
        if (in.podReason() != null) {
            status.put("reason", in.podReason());
            status.put("message", in.podMessage());
        }
        if (in.hostIp() != null) {
            status.put("hostIP", in.hostIp());
            status.putArray("hostIPs").addObject().put("ip", in.hostIp());
        }
        if (in.podIp() != null && !in.podIp().isEmpty()) {
            status.put("podIP", in.podIp());
            status.putArray("podIPs").addObject().put("ip", in.podIp());
        }
        putTime(status, "startTime", in.startTime());
        status.set("containerStatuses", statuses);
        status.put("qosClass", qos(in.containers()));
        return status;
    }

    static String phase(String restartPolicy, boolean terminal, int running, int waiting, int stopped, int succeeded,
                        int unknown, int containers) {
        String policy = terminal ? "Never" : restartPolicy == null ? "Always" : restartPolicy;
        if (containers == 0) {
            return "Pending";
        }
        if (waiting > 0 && !terminal) {
            return "Pending";
        }
        if (running > 0 && unknown == 0 && !terminal) {
            return "Running";
        }
        if (terminal && (waiting > 0 || running > 0)) {
            return "Failed";
        }
        if (running == 0 && stopped > 0 && unknown == 0) {
            if ("Always".equals(policy)) {
                return "Running";
            }
            if (stopped == succeeded) {
                return "Succeeded";
            }
            if ("Never".equals(policy)) {
                return "Failed";
            }
            return "Running";
        }
        if (unknown > 0) {
            return "Unknown";
        }
        return "Pending";
    }

    private static String qos(List<ContainerDescriptor> containers) {
        boolean any = containers.stream().anyMatch(c -> c.resources().cpuLimitMillis() > 0
                || c.resources().memoryLimitBytes() > 0 || c.resources().cpuRequestMillis() > 0);
        boolean guaranteed = !containers.isEmpty() && containers.stream().allMatch(c -> c.resources().cpuLimitMillis() > 0
                && c.resources().memoryLimitBytes() > 0
                && c.resources().cpuRequestMillis() == c.resources().cpuLimitMillis());
        return guaranteed ? "Guaranteed" : any ? "Burstable" : "BestEffort";
    }

    private static void waiting(ObjectNode state, String reason, String message) {
        ObjectNode node = state.putObject("waiting");
        node.put("reason", reason);
        if (message != null) {
            node.put("message", message);
        }
    }

    private static void terminated(ObjectNode node, ContainerObservation seen) {
        node.put("exitCode", seen.exitCode());
        String reason = seen.reason();
        if (reason == null || reason.isBlank()) {
            reason = seen.exitCode() == 0 ? "Completed" : "Error";
        }
        node.put("reason", reason);
        if (seen.message() != null && !seen.message().isBlank()) {
            node.put("message", seen.message());
        }
        putTime(node, "startedAt", seen.startedAt());
        putTime(node, "finishedAt", seen.finishedAt());
        if (seen.id() != null) {
            node.put("containerID", seen.id());
        }
    }

    private static void condition(ArrayNode conditions, Input in, String type, boolean value, String reason,
                                  String message) {
        ObjectNode node = conditions.addObject();
        node.put("type", type);
        String text = value ? "True" : "False";
        node.put("status", text);
        node.putNull("lastProbeTime");
        Instant transition = in.now();
        JsonNode previous = find(in.previous(), type);
        if (previous != null && text.equals(previous.path("status").asText())) {
            node.put("lastTransitionTime", previous.path("lastTransitionTime").asText());
        } else {
            putTime(node, "lastTransitionTime", transition);
        }
        if (reason != null) {
            node.put("reason", reason);
        }
        if (message != null) {
            node.put("message", message);
        }
    }

    private static JsonNode find(ObjectNode previous, String type) {
        if (previous == null) {
            return null;
        }
        for (JsonNode condition : previous.path("conditions")) {
            if (type.equals(condition.path("type").asText())) {
                return condition;
            }
        }
        return null;
    }

    static void putTime(ObjectNode node, String field, Instant time) {
        if (time != null && time.getEpochSecond() > 0) {
            node.put(field, DateTimeFormatter.ISO_INSTANT.format(time.truncatedTo(ChronoUnit.SECONDS)));
        }
    }

    /** @return what {@code kubectl get pods} shows in STATUS */
    static String display(ObjectNode status, boolean terminating) {
        if (terminating) {
            return "Terminating";
        }
        String reason = status.path("reason").asText(status.path("phase").asText("Pending"));
        boolean anyRunning = false;
        for (JsonNode cs : status.path("containerStatuses")) {
            JsonNode state = cs.path("state");
            if (state.has("waiting") && !state.path("waiting").path("reason").asText().isEmpty()) {
                reason = state.path("waiting").path("reason").asText();
            } else if (state.has("terminated")) {
                String terminated = state.path("terminated").path("reason").asText("");
                reason = terminated.isEmpty() ? "ExitCode:" + state.path("terminated").path("exitCode").asInt()
                        : terminated;
            } else if (state.has("running") && cs.path("ready").asBoolean()) {
                anyRunning = true;
            }
        }
        if ("Completed".equals(reason) && anyRunning) {
            reason = "Running";
        }
        return reason;
    }
}
