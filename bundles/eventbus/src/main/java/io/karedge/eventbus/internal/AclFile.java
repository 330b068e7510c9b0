package io.karedge.eventbus.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Topic rights in the shape of mosquitto's {@code acl_file}:
 * <pre>
 * # rules before any user line: for anonymous clients
 * topic read $hw/events/device/+/+/twin/update/document
 * user app
 * topic readwrite $hw/events/device/default/+/twin/#
 * # for every client; %u is the user name, %c the client id
 * pattern write $hw/events/device/%c/#
 * </pre>
 * {@code topic [read|write|readwrite|deny] <filter>} (no access word: readwrite) grants the rights to the user of
 * the last {@code user} line, or to anonymous clients when no {@code user} line came yet; {@code pattern}
 * grants them to every client after replacing {@code %u} and {@code %c} (a pattern with {@code %u} never
 * applies to an anonymous client); {@code deny} refuses publishing on the topics it matches and subscribing
 * to the filters it covers, whatever else grants them. Whatever is not granted is refused. A client may publish on a topic a
 * write rule matches, and subscribe to a filter a read rule covers (every topic the filter matches, the
 * rule matches too).
 */
final class AclFile {

    enum Access {
        READ, WRITE, READWRITE, DENY;

        boolean allows(Access wanted) {
            return this == READWRITE || this == wanted;
        }
    }

    record Rule(Access access, String filter) {
    }

    private final Map<String, List<Rule>> byUser;
    private final List<Rule> anonymous;
    private final List<Rule> patterns;

    private AclFile(Map<String, List<Rule>> byUser, List<Rule> anonymous, List<Rule> patterns) {
        this.byUser = byUser;
        this.anonymous = anonymous;
        this.patterns = patterns;
    }

    static AclFile read(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
    }

    static AclFile parse(List<String> lines, String source) {
        Map<String, List<Rule>> byUser = new HashMap<>();
        List<Rule> anonymous = new ArrayList<>();
        List<Rule> patterns = new ArrayList<>();
        List<Rule> current = anonymous;
        int number = 0;
        for (String raw : lines) {
            number++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split("\\s+", 2);
            String keyword = words[0].toLowerCase(Locale.ROOT);
            String rest = words.length > 1 ? words[1].strip() : "";
            if (rest.isEmpty()) {
                throw new IllegalArgumentException(source + " line " + number + ": '" + keyword + "' needs a value");
            }
            switch (keyword) {
                case "user" -> current = byUser.computeIfAbsent(rest, user -> new ArrayList<>());
                case "topic" -> current.add(rule(rest, source, number));
                case "pattern" -> patterns.add(rule(rest, source, number));
                default -> throw new IllegalArgumentException(source + " line " + number + ": unknown keyword '"
                        + words[0] + "' (user, topic, pattern)");
            }
        }
        return new AclFile(byUser, anonymous, patterns);
    }

    private static Rule rule(String text, String source, int number) {
        String[] words = text.split("\\s+", 2);
        Access access = Access.READWRITE;
        String filter = text;
        if (words.length == 2) {
            switch (words[0].toLowerCase(Locale.ROOT)) {
                case "read" -> access = Access.READ;
                case "write" -> access = Access.WRITE;
                case "readwrite" -> access = Access.READWRITE;
                case "deny" -> access = Access.DENY;
                default -> {
                    // a filter with a space in it: the whole text is the filter
                }
            }
            if (access != Access.READWRITE || "readwrite".equalsIgnoreCase(words[0])) {
                filter = words[1].strip();
            }
        }
        String checked = filter.replace("%u", "u").replace("%c", "c");
        if (!Topics.isValidFilter(checked)) {
            throw new IllegalArgumentException(source + " line " + number + ": '" + filter + "' is not a topic filter");
        }
        return new Rule(access, filter);
    }

    /** @return whether {@code user} (null: anonymous) with {@code clientId} may publish on {@code topic} */
    boolean canWrite(String user, String clientId, String topic) {
        return allowed(user, clientId, Access.WRITE, rule -> Topics.matches(rule, topic), rule -> Topics.matches(rule, topic));
    }

    /** @return whether the client may subscribe to {@code filter}: a read rule covers it */
    boolean canRead(String user, String clientId, String filter) {
        return allowed(user, clientId, Access.READ, rule -> covers(rule, filter), rule -> covers(rule, filter));
    }

    private boolean allowed(String user, String clientId, Access wanted, java.util.function.Predicate<String> test,
                            java.util.function.Predicate<String> denied) {
        List<Rule> own = user == null ? anonymous : byUser.getOrDefault(user, List.of());
        for (Rule rule : own) {
            if (rule.access() == Access.DENY && denied.test(rule.filter())) {
                return false;
            }
        }
        for (Rule rule : patterns) {
            if (rule.access() == Access.DENY && !(user == null && rule.filter().contains("%u"))) {
                String filter = rule.filter().replace("%u", user == null ? "" : user).replace("%c", clientId);
                if (Topics.isValidFilter(filter) && denied.test(filter)) {
                    return false;
                }
            }
        }
        for (Rule rule : own) {
            if (rule.access().allows(wanted) && test.test(rule.filter())) {
                return true;
            }
        }
        for (Rule rule : patterns) {
            if (!rule.access().allows(wanted) || user == null && rule.filter().contains("%u")) {
                continue;
            }
            String filter = rule.filter().replace("%u", user == null ? "" : user).replace("%c", clientId);
            if (Topics.isValidFilter(filter) && test.test(filter)) {
                return true;
            }
        }
        return false;
    }

    /** @return whether every topic {@code filter} matches is also matched by {@code rule} */
    static boolean covers(String rule, String filter) {
        String[] r = rule.split("/", -1);
        String[] f = filter.split("/", -1);
        for (int i = 0; i < r.length; i++) {
            if (r[i].equals("#")) {
                return !(i == 0 && f[0].startsWith("$"));
            }
            if (i >= f.length) {
                return false;
            }
            if (r[i].equals("+")) {
                if (f[i].equals("#") || i == 0 && f[0].startsWith("$")) {
                    return false;
                }
                continue;
            }
            if (!r[i].equals(f[i])) {
                return false;
            }
        }
        return r.length == f.length;
    }
}
