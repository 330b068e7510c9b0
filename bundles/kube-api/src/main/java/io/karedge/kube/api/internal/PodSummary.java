package io.karedge.kube.api.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * The READY, STATUS and RESTARTS columns of a pod, worked out from its status as {@code kubectl get pods}
 * works them out (init containers first, then the last container with a waiting or terminated reason,
 * {@code Terminating} once deletion started).
 */
record PodSummary(String ready, String status, String restarts) {

    static PodSummary of(JsonNode pod, Instant now) {
        JsonNode status = pod.path("status");
        int total = pod.path("spec").path("containers").size();
        int readyCount = 0;
        int restarts = 0;
        String lastRestart = null;
        String reason = status.path("reason").asText(status.path("phase").asText(""));

        boolean initializing = false;
        JsonNode initStatuses = status.path("initContainerStatuses");
        int initTotal = pod.path("spec").path("initContainers").size();
        int index = 0;
        for (JsonNode container : initStatuses) {
            restarts += container.path("restartCount").asInt();
            lastRestart = later(lastRestart, container.path("lastState").path("terminated").path("finishedAt").asText(null));
            JsonNode terminated = container.path("state").path("terminated");
            JsonNode waiting = container.path("state").path("waiting");
            if (terminated.isObject() && terminated.path("exitCode").asInt() == 0) {
                index++;
                continue;
            }
            if (terminated.isObject()) {
                reason = "Init:" + terminationReason(terminated);
            } else if (waiting.isObject() && !waiting.path("reason").asText("").isEmpty()
                    && !waiting.path("reason").asText().equals("PodInitializing")) {
                reason = "Init:" + waiting.path("reason").asText();
            } else {
                reason = "Init:" + index + "/" + initTotal;
            }
            initializing = true;
            break;
        }
        if (!initializing) {
            restarts = 0;
            boolean hasRunning = false;
            JsonNode statuses = status.path("containerStatuses");
            for (int i = statuses.size() - 1; i >= 0; i--) {
                JsonNode container = statuses.get(i);
                restarts += container.path("restartCount").asInt();
                lastRestart = later(lastRestart,
                        container.path("lastState").path("terminated").path("finishedAt").asText(null));
                JsonNode waiting = container.path("state").path("waiting");
                JsonNode terminated = container.path("state").path("terminated");
                if (waiting.isObject() && !waiting.path("reason").asText("").isEmpty()) {
                    reason = waiting.path("reason").asText();
                } else if (terminated.isObject()) {
                    reason = terminationReason(terminated);
                } else if (container.path("ready").asBoolean() && container.path("state").path("running").isObject()) {
                    hasRunning = true;
                    readyCount++;
                }
            }
            if (reason.equals("Completed") && hasRunning) {
                reason = podReady(status) ? "Running" : "NotReady";
            }
        }
        if (pod.path("metadata").hasNonNull("deletionTimestamp")) {
            reason = status.path("reason").asText("").equals("NodeLost") ? "Unknown" : "Terminating";
        }
        String restartText = Integer.toString(restarts);
        if (restarts > 0 && lastRestart != null) {
            restartText += " (" + HumanDuration.since(lastRestart, now) + " ago)";
        }
        return new PodSummary(readyCount + "/" + total, reason, restartText);
    }

    private static String terminationReason(JsonNode terminated) {
        String reason = terminated.path("reason").asText("");
        if (!reason.isEmpty()) {
            return reason;
        }
        int signal = terminated.path("signal").asInt();
        return signal != 0 ? "Signal:" + signal : "ExitCode:" + terminated.path("exitCode").asInt();
    }

    private static boolean podReady(JsonNode status) {
        for (JsonNode condition : status.path("conditions")) {
            if (condition.path("type").asText().equals("Ready")) {
                return condition.path("status").asText().equals("True");
            }
        }
        return false;
    }

    private static String later(String current, String candidate) {
        if (candidate == null || candidate.isEmpty()) {
            return current;
        }
        return current == null || candidate.compareTo(current) > 0 ? candidate : current;
    }
}
