package io.karedge.kube.api.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.meta.Kinds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Kubernetes field selector ({@code fieldSelector=}): {@code field=value}, {@code field==value} or
 * {@code field!=value}, comma-separated, with {@code \} escaping {@code ,}, {@code =}, {@code !} and
 * {@code \} in values. Only the fields the Kubernetes API server supports for the kind are accepted
 * (every kind: {@code metadata.name}, {@code metadata.namespace}; pods also {@code spec.nodeName},
 * {@code status.phase} and a few more); others are refused with a 400 as there.
 */
final class FieldSelector {

    private static final Set<String> COMMON = Set.of("metadata.name", "metadata.namespace");
    private static final Map<String, Set<String>> BY_KIND = Map.of(
            Kinds.POD, Set.of("spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
                    "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"),
            Kinds.SECRET, Set.of("type"),
            Kinds.NODE, Set.of("spec.unschedulable"),
            Kinds.DEVICE, Set.of("spec.nodeName"));

    record Requirement(String field, boolean equal, String value) {

        boolean matches(JsonNode object) {
            JsonNode node = object;
            for (String part : field.split("\\.")) {
                node = node.path(part);
            }
            String actual = node.isValueNode() ? node.asText() : "";
            return equal == actual.equals(value);
        }
    }

    static final FieldSelector EVERYTHING = new FieldSelector(List.of());

    private final List<Requirement> requirements;

    private FieldSelector(List<Requirement> requirements) {
        this.requirements = List.copyOf(requirements);
    }

    List<Requirement> requirements() {
        return requirements;
    }

    boolean matches(JsonNode object) {
        for (Requirement requirement : requirements) {
            if (!requirement.matches(object)) {
                return false;
            }
        }
        return true;
    }

    /** @return the one name an {@code metadata.name=} requirement asks for, or {@code null} */
    String exactName() {
        for (Requirement requirement : requirements) {
            if (requirement.equal() && requirement.field().equals("metadata.name")) {
                return requirement.value();
            }
        }
        return null;
    }

    /**
     * @param text the selector, or {@code null}/blank for "everything"
     * @param kind the kind listed, which decides the fields allowed
     * @throws KubeStatusException 400 BadRequest for a selector that does not parse or an unsupported field
     */
    static FieldSelector parse(String text, String kind) throws KubeStatusException {
        if (text == null || text.isBlank()) {
            return EVERYTHING;
        }
        if (text.length() > 4096) {
            throw KubeStatusException.badRequest("the field selector is longer than 4096 characters");
        }
        List<Requirement> requirements = new ArrayList<>();
        for (String term : splitUnescaped(text, ',')) {
            requirements.add(requirement(term.trim(), kind));
        }
        return new FieldSelector(requirements);
    }

    private static Requirement requirement(String term, String kind) throws KubeStatusException {
        int operator = -1;
        int width = 0;
        boolean equal = true;
        for (int i = 0; i < term.length(); i++) {
            char c = term.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '!' && i + 1 < term.length() && term.charAt(i + 1) == '=') {
                operator = i;
                width = 2;
                equal = false;
                break;
            } else if (c == '=') {
                operator = i;
                width = i + 1 < term.length() && term.charAt(i + 1) == '=' ? 2 : 1;
                break;
            }
        }
        if (operator <= 0) {
            throw KubeStatusException.badRequest("invalid selector: '" + term + "'; can't understand '" + term + "'");
        }
        String field = term.substring(0, operator).trim();
        String value = unescape(term.substring(operator + width).trim());
        if (!COMMON.contains(field) && !BY_KIND.getOrDefault(kind, Set.of()).contains(field)) {
            throw KubeStatusException.badRequest("\"" + field + "\" is not a known field selector: only \""
                    + String.join("\", \"", allowed(kind)) + "\"");
        }
        return new Requirement(field, equal, value);
    }

    private static List<String> allowed(String kind) {
        List<String> allowed = new ArrayList<>(new java.util.TreeSet<>(COMMON));
        allowed.addAll(new java.util.TreeSet<>(BY_KIND.getOrDefault(kind, Set.of())));
        return allowed;
    }

    private static List<String> splitUnescaped(String text, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                part.append(c).append(text.charAt(++i));
            } else if (c == separator) {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        parts.add(part.toString());
        return parts;
    }

    private static String unescape(String value) throws KubeStatusException {
        StringBuilder plain = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                if (i + 1 == value.length() || "\\,=!".indexOf(value.charAt(i + 1)) < 0) {
                    throw KubeStatusException.badRequest("invalid field selector value \"" + value
                            + "\": only \\\\, \\, \\= and \\! are escapes");
                }
                plain.append(value.charAt(++i));
            } else {
                plain.append(c);
            }
        }
        return plain.toString();
    }
}
