package io.karedge.shell.internal;

import java.util.List;

/**
 * The words after KIND in an {@code edge:get} line: the NAME and the options typed after it
 * ({@code -n NS}, {@code --namespace=NS}, {@code -o FORMAT}, {@code -oyaml}, {@code -A}).
 */
record TrailingWords(String name, String namespace, String output, boolean allNamespaces) {

    static TrailingWords parse(List<String> words) throws GetException {
        String name = null;
        String namespace = null;
        String output = null;
        boolean all = false;
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            if (word.equals("-A") || word.equals("--all-namespaces")) {
                all = true;
            } else if (word.equals("-n") || word.equals("--namespace")) {
                namespace = valueAfter(words, i++, word);
            } else if (word.equals("-o") || word.equals("--output")) {
                output = valueAfter(words, i++, word);
            } else if (word.startsWith("--namespace=")) {
                namespace = word.substring("--namespace=".length());
            } else if (word.startsWith("--output=")) {
                output = word.substring("--output=".length());
            } else if (word.startsWith("-o") && word.length() > 2) {
                output = word.substring(2);
            } else if (word.startsWith("-n") && word.length() > 2) {
                namespace = word.substring(2);
            } else if (word.startsWith("-")) {
                throw new GetException("unknown option " + word + "; edge:get takes -n NAMESPACE, -A and -o FORMAT");
            } else if (name == null) {
                name = word;
            } else {
                throw new GetException("unexpected argument " + word + ": edge:get takes one KIND and at most one NAME");
            }
        }
        return new TrailingWords(name, namespace, output, all);
    }

    private static String valueAfter(List<String> words, int index, String option) throws GetException {
        if (index + 1 >= words.size()) {
            throw new GetException(option + " needs a value");
        }
        return words.get(index + 1);
    }
}
