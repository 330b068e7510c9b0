package io.karedge.eventbus.internal;

import io.karedge.api.twin.TwinOperation;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads KubeEdge topics segment by segment. A topic is split on {@code /} and judged by the number and
 * the values of its segments, never by searching text in it, so a namespace or node called {@code dev},
 * {@code events}, {@code device} or {@code node} is an ordinary name.
 *
 * <pre>
 * $hw/events/device/&lt;ns&gt;/&lt;name&gt;/twin/{update,get,cloud_updated}   7 segments
 * $hw/events/device/&lt;ns&gt;/&lt;name&gt;/state/update                     7 segments
 * $hw/events/device/&lt;name&gt;/twin/... , .../state/update           6 segments, legacy (namespace default)
 * $hw/events/node/&lt;node&gt;/membership/get                            6 segments
 * </pre>
 *
 * Topics under those prefixes that end in {@code result}, {@code document}, {@code delta} or
 * {@code updated} are publications and are left alone. Every other topic under them is rejected.
 */
public final class TopicParser {

    static final String DEVICE_PREFIX = "$hw/events/device/";
    static final String LEGACY_NAMESPACE = "default";
    private static final String UPLOAD_PREFIX = "$hw/events/upload";
    private static final String UPLOAD_RECORDS = "SYS/dis/upload_records";
    private static final Set<String> PUBLICATION_ENDINGS = Set.of("result", "document", "delta", "updated");
    private static final BusTopic OTHER = new BusTopic.Other();

    private final boolean legacyTopics;

    public TopicParser(boolean legacyTopics) {
        this.legacyTopics = legacyTopics;
    }

    /** @return the filters the bus subscribes on an external broker (QoS 1) */
    public static List<String> subscriptionFilters(boolean legacyTopics) {
        List<String> filters = new ArrayList<>(List.of(
                "$hw/events/device/+/+/twin/+",
                "$hw/events/device/+/+/state/update",
                "$hw/events/node/+/membership/get",
                "$hw/events/upload/#",
                "SYS/dis/upload_records",
                "+/user/#"));
        if (legacyTopics) {
            filters.add("$hw/events/device/+/twin/+");
            filters.add("$hw/events/device/+/state/update");
        }
        return filters;
    }

    public BusTopic parse(String topic) {
        if (topic.equals(UPLOAD_RECORDS) || topic.equals(UPLOAD_PREFIX) || topic.startsWith(UPLOAD_PREFIX + "/")) {
            return new BusTopic.Upload(topic);
        }
        String[] segments = topic.split("/", -1);
        if (segments.length >= 2 && !segments[0].startsWith("$") && segments[1].equals("user")) {
            return new BusTopic.Upload(topic);
        }
        if (segments.length >= 3 && segments[0].equals("$hw") && segments[1].equals("events")) {
            if (segments[2].equals("device")) {
                return device(topic, segments);
            }
            if (segments[2].equals("node")) {
                return node(topic, segments);
            }
        }
        return OTHER;
    }

    private BusTopic device(String topic, String[] segments) {
        int n = segments.length;
        if (hasWildcard(topic)) {
            return new BusTopic.Rejected("wildcard characters in a topic name", null);
        }
        if (n > 4 && PUBLICATION_ENDINGS.contains(segments[n - 1])) {
            return OTHER;
        }
        TwinOperation operation = n >= 5 ? deviceOperation(segments[n - 2], segments[n - 1]) : null;
        if (operation == null) {
            // MQTT 3.1.1 has no negative PUBACK: the sender learns of the refusal on <topic>/result
            return new BusTopic.Rejected("unknown device topic suffix", n >= 6 ? topic + "/result" : null);
        }
        String reply = replyTopic(topic, operation);
        if (n == 7) {
            String problem = badName(segments[3], "namespace");
            problem = problem != null ? problem : badName(segments[4], "device name");
            return problem != null ? new BusTopic.Rejected(problem, reply)
                    : new BusTopic.Twin(operation, segments[3] + "/" + segments[4], reply, false);
        }
        if (n == 6) {
            if (!legacyTopics) {
                return new BusTopic.Rejected("legacy device topics are disabled (legacy.topics=false)", reply);
            }
            String problem = badName(segments[3], "device name");
            return problem != null ? new BusTopic.Rejected(problem, reply)
                    : new BusTopic.Twin(operation, LEGACY_NAMESPACE + "/" + segments[3], reply, true);
        }
        return new BusTopic.Rejected("expected $hw/events/device/<namespace>/<name>/" + operation.suffix()
                + " (" + n + " segments)", reply);
    }

    private static BusTopic node(String topic, String[] segments) {
        int n = segments.length;
        if (hasWildcard(topic)) {
            return new BusTopic.Rejected("wildcard characters in a topic name", null);
        }
        if (n > 4 && PUBLICATION_ENDINGS.contains(segments[n - 1])) {
            return OTHER;
        }
        if (n < 5 || !segments[n - 2].equals("membership") || !segments[n - 1].equals("get")) {
            return new BusTopic.Rejected("unknown node topic suffix", null);
        }
        String reply = replyTopic(topic, TwinOperation.MEMBERSHIP_GET);
        if (n != 6) {
            return new BusTopic.Rejected("expected $hw/events/node/<node>/membership/get (" + n + " segments)", reply);
        }
        String problem = badName(segments[3], "node name");
        return problem != null ? new BusTopic.Rejected(problem, reply)
                : new BusTopic.Twin(TwinOperation.MEMBERSHIP_GET, segments[3], reply, false);
    }

    private static TwinOperation deviceOperation(String group, String action) {
        String suffix = group + "/" + action;
        for (TwinOperation operation : TwinOperation.values()) {
            if (!operation.isNodeOperation() && operation.suffix().equals(suffix)) {
                return operation;
            }
        }
        return null;
    }

    /**
     * {@code twin/cloud_updated} has no result in KubeEdge: its reply topic carries only refusals (a malformed
     * message is not acknowledged silently), never a success.
     */
    private static String replyTopic(String topic, TwinOperation operation) {
        return topic + "/result";
    }

    private static boolean hasWildcard(String topic) {
        return topic.indexOf('+') >= 0 || topic.indexOf('#') >= 0 || topic.indexOf('\0') >= 0;
    }

    /** @return what is wrong with one name segment, or {@code null} if it is usable */
    static String badName(String segment, String what) {
        if (segment.isEmpty()) {
            return "empty " + what;
        }
        if (segment.equals(".") || segment.equals("..")) {
            return what + " '" + segment + "' is not allowed";
        }
        for (int i = 0; i < segment.length(); i++) {
            if (Character.isISOControl(segment.charAt(i))) {
                return what + " contains a control character";
            }
        }
        return null;
    }

    /**
     * The legacy (v1.15/1.16) form of a namespaced device topic of namespace {@code default}:
     * {@code $hw/events/device/default/<name>/...} becomes {@code $hw/events/device/<name>/...}.
     *
     * @return the legacy topic, or {@code null} when the topic has no legacy form
     */
    public static String legacyForm(String topic) {
        String namespaced = DEVICE_PREFIX + LEGACY_NAMESPACE + "/";
        return topic.startsWith(namespaced) ? DEVICE_PREFIX + topic.substring(namespaced.length()) : null;
    }
}
