package io.karedge.itests;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command lines of README.md's "Try it" block, read from the README itself when the test runs, so the
 * README cannot drift from what the node does: console lines ({@code edge:...}), {@code mosquitto_pub} and
 * {@code curl}, and shell variables they use ({@code NAME="..."}, with {@code $(cat data/...)} read from the node's
 * data directory). Continuation lines ({@code \} at the end) are joined, {@code #} comments dropped, words
 * split as a POSIX shell splits them (single and double quotes).
 */
final class ReadmeCommands {

    /** One command line: its text without the comment, and its words. */
    record Line(String text, List<String> words) {

        String program() {
            return words.get(0);
        }
    }

    private ReadmeCommands() {
    }

    /** @return the lines of the first {@code sh} block after the paragraph that starts with "Try it" */
    static List<Line> tryIt(Path readme) throws IOException {
        List<String> lines = Files.readAllLines(readme);
        int at = 0;
        while (at < lines.size() && !lines.get(at).startsWith("Try it")) {
            at++;
        }
        while (at < lines.size() && !lines.get(at).trim().equals("```sh")) {
            at++;
        }
        if (at >= lines.size()) {
            throw new IllegalStateException(readme + " has no \"Try it\" paragraph followed by an sh block");
        }
        List<Line> commands = new ArrayList<>();
        StringBuilder joined = new StringBuilder();
        for (at++; at < lines.size() && !lines.get(at).trim().equals("```"); at++) {
            String line = lines.get(at);
            if (line.endsWith("\\")) {
                joined.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            joined.append(line);
            List<String> words = new ArrayList<>();
            String text = split(joined.toString(), words);
            joined.setLength(0);
            if (!words.isEmpty()) {
                commands.add(new Line(text, words));
            }
        }
        return commands;
    }

    /**
     * Splits a shell line into words.
     *
     * @return the line up to its comment, trimmed
     */
    static String split(String line, List<String> words) {
        StringBuilder word = null;
        char quote = 0;
        int end = line.length();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                word = word == null ? new StringBuilder() : word;
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else if (c == '#' && word == null) {
                end = i;
                break;
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        return line.substring(0, end).trim();
    }

    private static final Pattern ASSIGNMENT = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(.*)", Pattern.DOTALL);
    private static final Pattern CAT_DATA = Pattern.compile("\\$\\(cat data/([^)]+)\\)");

    /**
     * A line {@code NAME=value} sets a variable (its value expanded as {@link #expand} does).
     *
     * @return whether the line was such an assignment
     */
    static boolean assign(Line line, Map<String, String> variables, Path karafData) throws IOException {
        Matcher assignment = ASSIGNMENT.matcher(line.words().get(0));
        if (line.words().size() != 1 || !assignment.matches()) {
            return false;
        }
        variables.put(assignment.group(1), expand(assignment.group(2), variables, karafData));
        return true;
    }

    /** A word with {@code $(cat data/...)} read from the node's data directory and {@code $NAME} substituted. */
    static String expand(String word, Map<String, String> variables, Path karafData) throws IOException {
        Matcher cat = CAT_DATA.matcher(word);
        StringBuilder out = new StringBuilder();
        while (cat.find()) {
            String content = Files.readString(karafData.resolve(cat.group(1)), StandardCharsets.UTF_8).trim();
            cat.appendReplacement(out, Matcher.quoteReplacement(content));
        }
        cat.appendTail(out);
        String expanded = out.toString();
        for (Map.Entry<String, String> variable : variables.entrySet()) {
            expanded = expanded.replace("${" + variable.getKey() + "}", variable.getValue())
                    .replace("$" + variable.getKey(), variable.getValue());
        }
        return expanded;
    }

    /**
     * The one place a README {@code curl} line becomes a request (add authentication here when the REST API
     * asks for it): {@code -X}, {@code -H}, {@code -d}/{@code --data} and the URL are read, {@code -s} and
     * other output flags ignored; the README's port 8181 becomes the test node's.
     */
    static HttpRequest request(List<String> curl, int httpPort) {
        String method = null;
        String body = null;
        String url = null;
        List<String> headers = new ArrayList<>();
        for (int i = 1; i < curl.size(); i++) {
            String word = curl.get(i);
            switch (word) {
                case "-X", "--request" -> method = curl.get(++i);
                case "-H", "--header" -> headers.add(curl.get(++i));
                case "-d", "--data", "--data-raw" -> body = curl.get(++i);
                default -> {
                    if (word.startsWith("http://") || word.startsWith("https://")) {
                        url = word.replace("//127.0.0.1:8181/", "//127.0.0.1:" + httpPort + "/");
                    } else if (!word.startsWith("-")) {
                        throw new IllegalArgumentException("curl word not understood: " + word);
                    }
                }
            }
        }
        if (url == null) {
            throw new IllegalArgumentException("curl line without a URL: " + curl);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        for (String header : headers) {
            int colon = header.indexOf(':');
            request.header(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
        }
        String verb = method != null ? method : body != null ? "POST" : "GET";
        request.method(verb, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        return request.build();
    }
}
