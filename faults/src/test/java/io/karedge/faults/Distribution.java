package io.karedge.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

/**
 * The built distribution, unpacked once per build of it into {@code target/distribution}: the tar.gz the
 * reactor built (system property {@code karedge.distribution}). An unpacked distribution named by
 * {@code karedge.faults.assembly} is used as it is instead; {@code karaf-assembly/target/assembly} when
 * neither is set.
 */
final class Distribution {

    private static Path home;

    private Distribution() {
    }

    static synchronized Path home() throws IOException, InterruptedException {
        if (home == null) {
            home = locate();
        }
        return home;
    }

    /** Where the suite keeps its nodes, the summary and the unpacked distribution. */
    static Path workDirectory() {
        return Paths.get(System.getProperty("karedge.faults.work", "target")).toAbsolutePath();
    }

    private static Path locate() throws IOException, InterruptedException {
        String assemblyOverride = System.getProperty("karedge.faults.assembly", "");
        if (!assemblyOverride.isBlank()) {
            Path assembly = Paths.get(assemblyOverride).toAbsolutePath().normalize();
            if (!Files.isExecutable(assembly.resolve("bin/karaf"))) {
                throw new IllegalStateException("karedge.faults.assembly: no bin/karaf in " + assembly);
            }
            return assembly;
        }
        String archive = System.getProperty("karedge.distribution", "");
        if (archive.isEmpty() || !Files.isRegularFile(Paths.get(archive))) {
            Path assembly = Paths.get("..", "karaf-assembly", "target", "assembly").toAbsolutePath().normalize();
            if (!Files.isExecutable(assembly.resolve("bin/karaf"))) {
                throw new IllegalStateException("no distribution: set karedge.distribution to the tar.gz or build "
                        + assembly);
            }
            return assembly;
        }
        Path target = workDirectory().resolve("distribution");
        Path marker = target.resolve(".unpacked-from");
        String stamp = archive + " " + Files.getLastModifiedTime(Paths.get(archive)).toMillis();
        if (Files.isRegularFile(marker) && Files.readString(marker).equals(stamp)) {
            return target;
        }
        Shell.run(60, "rm", "-rf", target.toString());
        Files.createDirectories(target);
        if (Shell.run(120, "tar", "-xzf", archive, "-C", target.toString(), "--strip-components=1") != 0) {
            throw new IOException("could not unpack " + archive);
        }
        Files.writeString(marker, stamp);
        return target;
    }

    /** Small helper for the few external commands the suite needs (tar, mount, umount). */
    static final class Shell {
        private Shell() {
        }

        static int run(int timeoutSeconds, String... command) throws IOException, InterruptedException {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + ": no answer in " + timeoutSeconds + " s");
            }
            return process.exitValue();
        }
    }
}
