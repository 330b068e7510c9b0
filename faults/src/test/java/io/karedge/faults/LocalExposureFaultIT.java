package io.karedge.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What another local user, or a newcomer at the console, meets on a fresh node: no shutdown port, private
 * data and credentials, no shipped console password, a healthy standalone node; {@code bin/client} saying
 * that the remote console is off and how to turn it on, {@code bin/console on} turning it on while the node
 * runs (restarting nothing), and {@code bin/client} then answering a command given as an argument. The
 * node's log of the clean boot and the first login holds no stack trace at any level.
 */
class LocalExposureFaultIT {

    private KaredgeNode node;

    @AfterEach
    void stop() throws IOException {
        if (node != null) {
            node.close();
            // bin/console writes into the distribution's deploy/, which every node of the suite shares
            Files.deleteIfExists(node.home().resolve("deploy").resolve("karedge-console.xml"));
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aFreshNodeKeepsItsFilesPrivateAndAnswersOnTheConsole() throws Exception {
        node = KaredgeNode.create("local-exposure");
        node.start();

        Path users = node.etc().resolve("users.properties");
        String credentials = Files.readString(users);
        Result withoutConsole = run("bin/client", "edge:status");
        Result consoleOn = run("bin/console", "on");
        String client = runClient("edge:status");
        Result unknownTwin = run("bin/client", "edge:twin default/no-such-device");
        Result noPods = run("bin/client", "edge:get pods -n nowhere");
        List<String> traces = stackTraceLines(node.data().resolve("log").resolve("karaf.log"));

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("dataMode", mode(node.data()));
        figures.put("storeMode", mode(node.data().resolve("karedge").resolve("karedge.db")));
        figures.put("usersMode", mode(users));
        figures.put("shutdownPortFile", Files.exists(node.data().resolve("port")));
        figures.put("clientWithoutConsole", withoutConsole.output.lines().findFirst().orElse(""));
        figures.put("clientFirstLine", client.lines().findFirst().orElse(""));
        figures.put("stackTraceLines", traces.size());
        FaultReport.line("local-exposure", "a fresh node's files, console password, bin/client before and after "
                + "bin/console on, and its log", "-", 0, figures);

        assertThat(mode(node.data())).isEqualTo("rwx------");
        assertThat(mode(node.data().resolve("karedge"))).isEqualTo("rwx------");
        assertThat(mode(node.data().resolve("karedge").resolve("karedge.db"))).isEqualTo("rw-------");
        assertThat(mode(users)).isEqualTo("rw-------");
        assertThat(node.data().resolve("port")).as("no shutdown port is opened").doesNotExist();
        assertThat(credentials).as("no karaf/karaf shipped").doesNotContainPattern("(?m)^karaf\\s*=\\s*karaf\\s*,");
        assertThat(Files.readString(node.etc().resolve("branding.properties"))).contains("Karedge")
                .contains("edge:status").contains("edge:get devices");
        assertThat(withoutConsole.exitCode).as("bin/client without the remote console").isEqualTo(1);
        assertThat(withoutConsole.output).as("bin/client says why and how")
                .contains("remote console").contains("is off").contains("bin/console on")
                .doesNotContain("Failed to get the session");
        assertThat(consoleOn.exitCode).as("bin/console on: " + consoleOn.output).isZero();
        assertThat(consoleOn.output).contains("The remote console is on");
        assertThat(client).as("bin/client \"edge:status\" prints the status")
                .contains("Node faults-local-exposure is healthy");
        assertThat(unknownTwin.exitCode).as("a refused edge:* command fails bin/client: " + unknownTwin.output)
                .isEqualTo(1);
        assertThat(unknownTwin.output).contains("Device default/no-such-device is not a member of this node");
        assertThat(noPods.exitCode).as("an empty list is no failure").isZero();
        assertThat(noPods.output).as("bin/client shows the note on an empty list")
                .contains("No resources found in nowhere namespace.");
        assertThat(traces).as("stack traces in the log of a clean boot and a first login").isEmpty();
        assertThat(Files.readString(node.data().resolve("log").resolve("karaf.log")))
                .as("adding the console restarted nothing").doesNotContain("MQTT broker stopped")
                .doesNotContain("Store closed");
    }

    /** Lines of the log that belong to a stack trace ("at …", "Caused by: …"), whatever the level. */
    private static List<String> stackTraceLines(Path log) throws IOException {
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .filter(line -> line.matches("^\\s+at \\S+\\(.*\\)$") || line.startsWith("Caused by: "))
                .collect(Collectors.toList());
    }

    private Result run(String script, String argument) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(node.home().resolve(script).toString(), argument)
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().put("KARAF_ETC", node.etc().toString());
        builder.environment().put("KARAF_DATA", node.data().toString());
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(process.isAlive() ? -1 : process.exitValue(), output);
    }

    private String runClient(String command) throws Exception {
        String output = "";
        for (int attempt = 0; attempt < 20; attempt++) {
            output = run("bin/client", command).output;
            if (output.contains("Node ")) {
                return output;
            }
            // the console starts a moment after its port listens
            Thread.sleep(1000);
        }
        return output;
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static final class Result {
        final int exitCode;
        final String output;

        Result(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }
    }
}
