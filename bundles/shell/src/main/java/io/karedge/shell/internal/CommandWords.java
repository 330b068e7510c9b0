package io.karedge.shell.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the words of an {@code edge:get} line typed so far, for completion: the positional
 * arguments (KIND, NAME) and the namespace option, skipping the command name, options and their values.
 */
final class CommandWords {

    private static final Set<String> OPTIONS_WITH_VALUE = Set.of("-n", "--namespace", "-o", "--output");

    private final List<String> positionals = new ArrayList<>();
    private String namespace;

    /**
     * @param arguments   the words of the line, the command name first
     * @param cursorIndex the index of the word being completed (left out), or -1
     */
    CommandWords(String[] arguments, int cursorIndex) {
        for (int i = 1; i < arguments.length; i++) {
            String word = arguments[i];
            if (i == cursorIndex || word == null || word.isEmpty()) {
                continue;
            }
            if (OPTIONS_WITH_VALUE.contains(word)) {
                if (i + 1 < arguments.length && i + 1 != cursorIndex && isNamespaceOption(word)) {
                    namespace = arguments[i + 1];
                }
                i++;
            } else if (word.startsWith("--namespace=")) {
                namespace = word.substring("--namespace=".length());
            } else if (!word.startsWith("-")) {
                positionals.add(word);
            }
        }
    }

    private static boolean isNamespaceOption(String option) {
        return "-n".equals(option) || "--namespace".equals(option);
    }

    /** @return the KIND typed before the word being completed */
    Optional<String> kind() {
        return positionals.isEmpty() ? Optional.empty() : Optional.of(positionals.get(0));
    }

    /** @return the value of {@code -n}/{@code --namespace}, if given */
    Optional<String> namespace() {
        return Optional.ofNullable(namespace).filter(ns -> !ns.isBlank());
    }
}
