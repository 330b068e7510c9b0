import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The baseline rule for exported packages still below 1.0.0, which bnd's baseline leaves unchecked.
 *
 * <p>Reads the report the bnd baseline plugin wrote ({@code target/baseline/*.txt}) and, for every package
 * whose recorded version has major 0, applies the 0.x convention: the minor plays the part of the major.
 * An incompatible change (delta MAJOR or REMOVED) needs at least the next minor ({@code 0.2.x} to
 * {@code 0.3.0}) or a 1.0.0 release; a compatible addition (delta MINOR) needs a higher version than the
 * recorded one. Packages at 1.0.0 and above are left to bnd, which fails the build itself.
 *
 * <p>Run by the build as a single-file program: {@code java ZeroMajorRule.java REPORT}.
 */
public final class ZeroMajorRule {

    private ZeroMajorRule() {
    }

    public static void main(String[] args) throws IOException {
        Path report = Path.of(args[0]);
        if (!Files.exists(report)) {
            System.err.println("api-baseline: no baseline report at " + report);
            System.exit(2);
        }
        List<String> problems = new ArrayList<>();
        for (String line : Files.readAllLines(report)) {
            String[] columns = line.replace("*", " ").trim().split("\\s+");
            if (columns.length < 5 || !columns[1].equals("PACKAGE")) {
                continue;
            }
            String name = columns[0];
            String delta = columns[2];
            int[] newer = version(columns[3]);
            int[] older = version(columns[4]);
            if (older == null || older[0] != 0 || newer == null) {
                continue;
            }
            if ((delta.equals("MAJOR") || delta.equals("REMOVED")) && newer[0] == 0 && newer[1] <= older[1]) {
                problems.add(name + ": an incompatible change (" + delta + ") needs version 0." + (older[1] + 1)
                        + ".0 or higher (below 1.0.0 the minor counts as the major); it has " + columns[3]);
            } else if (delta.equals("MINOR") && compare(newer, older) <= 0) {
                problems.add(name + ": an addition (MINOR) needs a version above " + columns[4] + "; it has "
                        + columns[3]);
            }
        }
        if (!problems.isEmpty()) {
            problems.forEach(problem -> System.err.println("api-baseline: " + problem));
            System.err.println("api-baseline: see " + report);
            System.exit(1);
        }
    }

    private static int[] version(String text) {
        String[] parts = text.split("\\.");
        int[] version = new int[3];
        try {
            for (int i = 0; i < 3 && i < parts.length; i++) {
                version[i] = Integer.parseInt(parts[i]);
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return version;
    }

    private static int compare(int[] a, int[] b) {
        for (int i = 0; i < 3; i++) {
            if (a[i] != b[i]) {
                return Integer.compare(a[i], b[i]);
            }
        }
        return 0;
    }
}
