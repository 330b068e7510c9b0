package io.karedge.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What another local user, or a newcomer at the console, meets on a fresh node: no shutdown port, private
 * data and credentials, no shipped console password, a healthy standalone node, and {@code bin/client}
 * answering a command given as an argument.
 */
class LocalExposureFaultIT {

    private KaredgeNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aFreshNodeKeepsItsFilesPrivateAndAnswersOnTheConsole() throws Exception {
        node = KaredgeNode.create("local-exposure");
        enableRemoteConsole(node.etc());
        node.start();

        Path users = node.etc().resolve("users.properties");
        String credentials = Files.readString(users);
        String client = runClient("edge:status");
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("dataMode", mode(node.data()));
        figures.put("storeMode", mode(node.data().resolve("karedge").resolve("karedge.db")));
        figures.put("usersMode", mode(users));
        figures.put("shutdownPortFile", Files.exists(node.data().resolve("port")));
        figures.put("clientFirstLine", client.lines().findFirst().orElse(""));
        FaultReport.line("local-exposure", "a fresh node's files, console password and bin/client \"edge:status\"",
                "-", 0, figures);

        assertThat(mode(node.data())).isEqualTo("rwx------");
        assertThat(mode(node.data().resolve("karedge"))).isEqualTo("rwx------");
        assertThat(mode(node.data().resolve("karedge").resolve("karedge.db"))).isEqualTo("rw-------");
        assertThat(mode(users)).isEqualTo("rw-------");
        assertThat(node.data().resolve("port")).as("no shutdown port is opened").doesNotExist();
        assertThat(credentials).as("no karaf/karaf shipped").doesNotContainPattern("(?m)^karaf\\s*=\\s*karaf\\s*,");
        assertThat(Files.readString(node.etc().resolve("branding.properties"))).contains("Karedge")
                .contains("edge:status").contains("edge:get devices");
        assertThat(client).as("bin/client \"edge:status\" prints the status")
                .contains("Node faults-local-exposure is healthy");
    }

    /** Adds Karaf's ssh feature to the node's boot features, as README says a user does for bin/client. */
    private static void enableRemoteConsole(Path etc) throws IOException {
        Path features = etc.resolve("org.apache.karaf.features.cfg");
        String text = Files.readString(features);
        String boot = text.replaceFirst("(featuresBoot\\s*=\\s*\\\\\\n)", "$1    ssh, \\\\\n");
        assertThat(boot).as("featuresBoot found in " + features).isNotEqualTo(text);
        Files.writeString(features, boot);
    }

    private String runClient(String command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(node.home().resolve("bin/client").toString(), command)
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().put("KARAF_ETC", node.etc().toString());
        builder.environment().put("KARAF_DATA", node.data().toString());
        String output = "";
        for (int attempt = 0; attempt < 20; attempt++) {
            Process process = builder.start();
            process.getOutputStream().close();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (output.contains("Node ")) {
                return output;
            }
            // the console starts a moment after the node reports ready
            Thread.sleep(1000);
        }
        return output;
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
