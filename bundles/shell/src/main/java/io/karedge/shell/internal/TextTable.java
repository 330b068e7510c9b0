package io.karedge.shell.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * A column-aligned plain-text table shaped like kubectl's: upper-case headers, every column but the
 * last padded to its widest cell plus three spaces (at least six characters), no borders.
 */
final class TextTable {

    private static final int PADDING = 3;
    private static final int MIN_WIDTH = 6;

    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    TextTable(List<String> headers) {
        this.headers = List.copyOf(headers);
    }

    TextTable row(List<String> cells) {
        if (cells.size() != headers.size()) {
            throw new IllegalArgumentException("expected " + headers.size() + " cells, got " + cells.size());
        }
        rows.add(List.copyOf(cells));
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    /** @return the table, one line per row, each line ending with a newline */
    String render() {
        int[] widths = new int[headers.size()];
        measure(headers, widths);
        rows.forEach(row -> measure(row, widths));
        StringBuilder out = new StringBuilder();
        append(out, headers, widths);
        rows.forEach(row -> append(out, row, widths));
        return out.toString();
    }

    private static void measure(List<String> cells, int[] widths) {
        for (int i = 0; i < cells.size(); i++) {
            widths[i] = Math.max(widths[i], cells.get(i).length());
        }
    }

    private static void append(StringBuilder out, List<String> cells, int[] widths) {
        int last = cells.size() - 1;
        for (int i = 0; i <= last; i++) {
            String cell = cells.get(i);
            out.append(cell);
            if (i < last) {
                int width = Math.max(widths[i] + PADDING, MIN_WIDTH);
                out.append(" ".repeat(width - cell.length()));
            }
        }
        out.append('\n');
    }
}
