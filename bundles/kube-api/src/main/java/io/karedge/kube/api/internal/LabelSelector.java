package io.karedge.kube.api.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A Kubernetes label selector in its string form ({@code labelSelector=} of a list or watch):
 * requirements separated by commas, each {@code key}, {@code !key}, {@code key=value},
 * {@code key==value}, {@code key!=value}, {@code key in (a,b)}, {@code key notin (a,b)}, {@code key>n} or
 * {@code key<n}. Keys and values are checked as Kubernetes checks them; a selector that does not parse is
 * refused with a 400.
 */
final class LabelSelector {

    private static final int MAX_SELECTOR_CHARS = 4096;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern PREFIX = Pattern.compile(
            "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");
    private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,18}");

    /** @return whether {@code key} is a label (or annotation) key: a qualified name with an optional prefix */
    static boolean validKey(String key) {
        int slash = key.indexOf('/');
        String name = slash < 0 ? key : key.substring(slash + 1);
        String prefix = slash < 0 ? null : key.substring(0, slash);
        return NAME.matcher(name).matches()
                && (prefix == null || (prefix.length() <= 253 && PREFIX.matcher(prefix).matches()));
    }

    /** @return whether {@code value} is a label value (empty, or at most 63 alphanumerics, '-', '_', '.') */
    static boolean validValue(String value) {
        return VALUE.matcher(value).matches();
    }

    enum Operator { EXISTS, NOT_EXISTS, EQUALS, NOT_EQUALS, IN, NOT_IN, GREATER, LESS }

    record Requirement(String key, Operator operator, Set<String> values) {

        boolean matches(Map<String, String> labels) {
            String value = labels.get(key);
            return switch (operator) {
                case EXISTS -> value != null;
                case NOT_EXISTS -> value == null;
                case EQUALS, IN -> value != null && values.contains(value);
                case NOT_EQUALS, NOT_IN -> value == null || !values.contains(value);
                case GREATER, LESS -> compares(value);
            };
        }

        private boolean compares(String value) {
            if (value == null || !INTEGER.matcher(value).matches()) {
                return false;
            }
            long have = Long.parseLong(value);
            long bound = Long.parseLong(values.iterator().next());
            return operator == Operator.GREATER ? have > bound : have < bound;
        }
    }

    static final LabelSelector EVERYTHING = new LabelSelector(List.of());

    private final List<Requirement> requirements;

    private LabelSelector(List<Requirement> requirements) {
        this.requirements = List.copyOf(requirements);
    }

    List<Requirement> requirements() {
        return requirements;
    }

    boolean matchesEverything() {
        return requirements.isEmpty();
    }

    /** @param object a Kubernetes object; its {@code metadata.labels} are matched */
    boolean matches(JsonNode object) {
        if (requirements.isEmpty()) {
            return true;
        }
        Map<String, String> labels = new TreeMap<>();
        object.path("metadata").path("labels").fields()
                .forEachRemaining(entry -> labels.put(entry.getKey(), entry.getValue().asText()));
        for (Requirement requirement : requirements) {
            if (!requirement.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param text the selector, or {@code null}/blank for "everything"
     * @throws KubeStatusException 400 BadRequest if it does not parse
     */
    static LabelSelector parse(String text) throws KubeStatusException {
        if (text == null || text.isBlank()) {
            return EVERYTHING;
        }
        if (text.length() > MAX_SELECTOR_CHARS) {
            throw KubeStatusException.badRequest("unable to parse requirement: the label selector is longer than "
                    + MAX_SELECTOR_CHARS + " characters");
        }
        return new LabelSelector(new Parser(text).requirements());
    }

    /** A recursive-descent parser over the selector's characters. */
    private static final class Parser {
        private final String text;
        private int at;

        Parser(String text) {
            this.text = text;
        }

        List<Requirement> requirements() throws KubeStatusException {
            List<Requirement> requirements = new ArrayList<>();
            while (true) {
                requirements.add(requirement());
                skipSpaces();
                if (at == text.length()) {
                    return requirements;
                }
                expect(',');
            }
        }

        private Requirement requirement() throws KubeStatusException {
            skipSpaces();
            if (peek() == '!') {
                at++;
                skipSpaces();
                String key = key(word());
                skipSpaces();
                if (at < text.length() && peek() != ',') {
                    throw fail("unexpected \"" + rest() + "\" after !" + key);
                }
                return new Requirement(key, Operator.NOT_EXISTS, Set.of());
            }
            String key = key(word());
            skipSpaces();
            if (at == text.length() || peek() == ',') {
                return new Requirement(key, Operator.EXISTS, Set.of());
            }
            char c = peek();
            if (c == '=' || c == '!') {
                Operator operator = Operator.EQUALS;
                if (c == '!') {
                    at++;
                    if (peek() != '=') {
                        throw fail("expected = after ! in \"" + text + "\"");
                    }
                    operator = Operator.NOT_EQUALS;
                }
                at++;
                if (operator == Operator.EQUALS && peek() == '=') {
                    at++;
                }
                skipSpaces();
                return new Requirement(key, operator, Set.of(value(word())));
            }
            if (c == '>' || c == '<') {
                at++;
                skipSpaces();
                String bound = word();
                if (!INTEGER.matcher(bound).matches()) {
                    throw fail("for 'gt', 'lt' operators, the value must be an integer: \"" + bound + "\"");
                }
                return new Requirement(key, c == '>' ? Operator.GREATER : Operator.LESS, Set.of(bound));
            }
            String keyword = word();
            Operator operator = switch (keyword) {
                case "in" -> Operator.IN;
                case "notin" -> Operator.NOT_IN;
                default -> throw fail("unknown operator \"" + keyword + "\" after key " + key);
            };
            skipSpaces();
            expect('(');
            Set<String> values = new java.util.LinkedHashSet<>();
            while (true) {
                skipSpaces();
                if (peek() == ')' && values.isEmpty()) {
                    throw fail("for 'in', 'notin' operators, values set can't be empty");
                }
                values.add(value(word()));
                skipSpaces();
                if (peek() == ')') {
                    at++;
                    return new Requirement(key, operator, values);
                }
                expect(',');
            }
        }

        private String word() {
            int start = at;
            while (at < text.length() && " \t,()=!<>".indexOf(text.charAt(at)) < 0) {
                at++;
            }
            return text.substring(start, at);
        }

        private String key(String key) throws KubeStatusException {
            int slash = key.indexOf('/');
            String name = slash < 0 ? key : key.substring(slash + 1);
            String prefix = slash < 0 ? null : key.substring(0, slash);
            if (key.isEmpty()) {
                throw fail("expected a label key at position " + at + " of \"" + text + "\"");
            }
            if (!NAME.matcher(name).matches()
                    || (prefix != null && (prefix.length() > 253 || !PREFIX.matcher(prefix).matches()))) {
                throw fail("invalid label key \"" + key + "\": name part must consist of alphanumeric characters, "
                        + "'-', '_' or '.', and must start and end with an alphanumeric character (at most 63), "
                        + "with an optional DNS subdomain prefix and '/'");
            }
            return key;
        }

        private String value(String value) throws KubeStatusException {
            if (!VALUE.matcher(value).matches()) {
                throw fail("invalid label value: \"" + value + "\": a valid label must be an empty string or "
                        + "consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
                        + "alphanumeric character (at most 63)");
            }
            return value;
        }

        private void expect(char c) throws KubeStatusException {
            if (peek() != c) {
                throw fail("expected '" + c + "' at position " + at + " of \"" + text + "\"");
            }
            at++;
        }

        private char peek() {
            return at < text.length() ? text.charAt(at) : '\0';
        }

        private String rest() {
            return text.substring(at);
        }

        private void skipSpaces() {
            while (at < text.length() && (text.charAt(at) == ' ' || text.charAt(at) == '\t')) {
                at++;
            }
        }

        private KubeStatusException fail(String detail) {
            return KubeStatusException.badRequest("unable to parse requirement: " + detail);
        }
    }
}
