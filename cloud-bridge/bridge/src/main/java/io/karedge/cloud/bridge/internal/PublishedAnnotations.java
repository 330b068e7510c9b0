package io.karedge.cloud.bridge.internal;

import io.karedge.api.node.NodeAnnotationContributor;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The annotations the node publishes on its own Node: the union of the {@link NodeAnnotationContributor}s
 * bound to the bridge, keys of the {@value NodeAnnotationContributor#DOMAIN} domain only, each checked as
 * Kubernetes checks an annotation key (a qualified name) so that the cloud never refuses a status report for
 * it. A key that fails is left out with one log line per key and reason.
 */
final class PublishedAnnotations {

    private static final Logger LOG = LoggerFactory.getLogger(PublishedAnnotations.class);
    /** Kubernetes' name part of a qualified name: 63 characters at most. */
    private static final Pattern NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]");
    private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    /** The node's own share of Kubernetes' 256 KiB for all annotations of an object. */
    static final int MAX_TOTAL_BYTES = 64 * 1024;

    private record Entry(NodeAnnotationContributor contributor, int ranking, long id) {
    }

    private final Map<Long, Entry> contributors = new ConcurrentHashMap<>();
    private final Set<String> logged = ConcurrentHashMap.newKeySet();
    private volatile Runnable changed = () -> { };

    /** Runs {@code hook} when a contributor comes, goes or announces a change. */
    void onChange(Runnable hook) {
        this.changed = hook;
    }

    void add(NodeAnnotationContributor contributor, Map<String, ?> properties) {
        Entry entry = new Entry(contributor, ranking(properties), id(properties, contributor));
        contributors.put(entry.id(), entry);
        changed.run();
    }

    void remove(NodeAnnotationContributor contributor, Map<String, ?> properties) {
        contributors.remove(id(properties, contributor));
        changed.run();
    }

    /** @return the annotations to publish now, sorted by key */
    Map<String, String> current() {
        List<Entry> ordered = contributors.values().stream()
                .sorted(Comparator.comparingInt(Entry::ranking).reversed().thenComparingLong(Entry::id)).toList();
        Map<String, String> result = new TreeMap<>();
        int bytes = 0;
        for (Entry entry : ordered) {
            Map<String, String> given;
            try {
                given = entry.contributor().annotations();
            } catch (RuntimeException e) {
                once("contributor " + entry.id() + " " + e, "Node annotations of a contributor left out: {}", e.toString());
                continue;
            }
            for (Map.Entry<String, String> annotation : new LinkedHashMap<>(given == null ? Map.of() : given).entrySet()) {
                String key = annotation.getKey();
                String value = annotation.getValue();
                String problem = problem(key, value);
                if (problem != null) {
                    once(key + " " + problem, "Node annotation {} not published: {}", key, problem);
                    continue;
                }
                if (result.containsKey(key)) {
                    if (!result.get(key).equals(value)) {
                        once(key + " twice", "Node annotation {} is given by two contributors; the one ranked higher wins", key);
                    }
                    continue;
                }
                int size = key.getBytes(StandardCharsets.UTF_8).length + value.getBytes(StandardCharsets.UTF_8).length;
                if (bytes + size > MAX_TOTAL_BYTES) {
                    once(key + " size", "Node annotation {} not published: the node's annotations would exceed {} bytes",
                            key, MAX_TOTAL_BYTES);
                    continue;
                }
                bytes += size;
                result.put(key, value);
            }
        }
        return result;
    }

    /** @return why Kubernetes (or the node's ownership rule) would not take this annotation, or null */
    static String problem(String key, String value) {
        if (key == null || value == null) {
            return "null key or value";
        }
        if (!NodeAnnotationContributor.owned(key)) {
            return "not in the " + NodeAnnotationContributor.DOMAIN + " domain the node owns";
        }
        int slash = key.indexOf('/');
        String prefix = key.substring(0, slash);
        String name = key.substring(slash + 1);
        if (prefix.length() > 253 || !SUBDOMAIN.matcher(prefix).matches()) {
            return "the prefix is not a DNS-1123 subdomain";
        }
        if (!NAME.matcher(name).matches()) {
            return "the name must be 63 characters or less, alphanumeric, '-', '_' or '.', starting and ending alphanumeric";
        }
        return null;
    }

    private void once(String what, String format, Object... arguments) {
        if (logged.add(what)) {
            LOG.warn(format, arguments);
        }
    }

    private static int ranking(Map<String, ?> properties) {
        Object ranking = properties == null ? null : properties.get("service.ranking");
        return ranking instanceof Integer value ? value : 0;
    }

    private static long id(Map<String, ?> properties, NodeAnnotationContributor contributor) {
        Object id = properties == null ? null : properties.get("service.id");
        return id instanceof Long value ? value : System.identityHashCode(contributor);
    }
}
