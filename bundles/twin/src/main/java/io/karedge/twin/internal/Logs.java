package io.karedge.twin.internal;

/** Keeps log lines short: no payload or value is logged longer than {@value #MAX} characters. */
final class Logs {

    static final int MAX = 200;

    private Logs() {
    }

    static String clip(String text) {
        if (text == null) {
            return "null";
        }
        return text.length() <= MAX ? text : text.substring(0, MAX - 3) + "...";
    }
}
