package io.karedge.eventbus.internal;

/** MQTT 3.1.1 topic names and topic filters: validity and matching. */
final class Topics {

    private Topics() {
    }

    /** @return true for a name a client may publish on: not empty, no wildcard, no NUL */
    static boolean isValidName(String topic) {
        return topic != null && !topic.isEmpty() && topic.indexOf('+') < 0 && topic.indexOf('#') < 0
                && topic.indexOf('\0') < 0;
    }

    /** @return true for a filter a client may subscribe to: {@code +} fills a whole level, {@code #} only last */
    static boolean isValidFilter(String filter) {
        if (filter == null || filter.isEmpty() || filter.indexOf('\0') >= 0) {
            return false;
        }
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.equals("#")) {
                if (i != levels.length - 1) {
                    return false;
                }
            } else if (!level.equals("+") && (level.indexOf('+') >= 0 || level.indexOf('#') >= 0)) {
                return false;
            }
        }
        return true;
    }

    /**
     * @return true if {@code filter} matches {@code topic}; a filter starting with a wildcard does not
     *         match a topic starting with {@code $}
     */
    static boolean matches(String filter, String topic) {
        if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) {
            return false;
        }
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length) {
                return false;
            }
            if (!f[i].equals("+") && !f[i].equals(t[i])) {
                return false;
            }
        }
        return f.length == t.length;
    }

    /**
     * @return true for a topic only the node publishes on: under {@code $hw/events/device/} or
     *         {@code $hw/events/node/}, ending in {@code result}, {@code document}, {@code delta} or
     *         {@code updated} (twin and membership answers and notifications)
     */
    static boolean isNodeOutput(String topic) {
        if (!topic.startsWith("$hw/events/device/") && !topic.startsWith("$hw/events/node/")) {
            return false;
        }
        String last = topic.substring(topic.lastIndexOf('/') + 1);
        return last.equals("result") || last.equals("document") || last.equals("delta") || last.equals("updated");
    }
}
