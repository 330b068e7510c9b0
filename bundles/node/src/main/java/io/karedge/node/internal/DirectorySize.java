package io.karedge.node.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Sums the sizes of the regular files below a directory (0 if it does not exist). */
final class DirectorySize {

    private DirectorySize() {
    }

    static long of(Path directory) {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(DirectorySize::sizeOf).sum();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0; // removed while walking
        }
    }
}
