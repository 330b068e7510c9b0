package io.karedge.cloud.bridge.internal.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.karedge.api.node.EdgeNode;
import io.karedge.api.node.NodeMode;
import io.karedge.cloud.bridge.CloudLinkSnapshot;
import io.karedge.cloud.bridge.LinkState;
import io.karedge.cloud.bridge.WatchState;
import io.karedge.cloud.bridge.WatchedResource;
import io.karedge.cloud.bridge.internal.BridgeConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** Argument checks and effects of {@code edge:join}, {@code edge:leave} and {@code edge:cloud}. */
class ShellCommandsTest {

    static final String HASH = "a".repeat(64);
    static final String TOKEN = HASH + ".eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.c2lnbmF0dXJl";

    /** A configuration admin holding at most one configuration, recording what the commands did. */
    static final class FakeConfigAdmin {
        Dictionary<String, Object> properties;
        final List<String> calls = new ArrayList<>();

        Configuration configuration() {
            return (Configuration) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {Configuration.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "getProperties" -> properties == null ? null : copy(properties);
                        case "update" -> {
                            calls.add("update");
                            @SuppressWarnings("unchecked")
                            Dictionary<String, Object> given = (Dictionary<String, Object>) args[0];
                            properties = copy(given);
                            yield null;
                        }
                        case "delete" -> {
                            calls.add("delete");
                            properties = null;
                            yield null;
                        }
                        case "getPid" -> BridgeConfig.PID;
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        ConfigurationAdmin admin() {
            return (ConfigurationAdmin) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {ConfigurationAdmin.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "getConfiguration" -> {
                            assertThat(args[0]).isEqualTo(BridgeConfig.PID);
                            yield configuration();
                        }
                        case "listConfigurations" -> properties == null ? null
                                : new Configuration[] {configuration()};
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        private static Dictionary<String, Object> copy(Dictionary<String, Object> source) {
            Hashtable<String, Object> copy = new Hashtable<>();
            for (var keys = source.keys(); keys.hasMoreElements(); ) {
                String key = keys.nextElement();
                copy.put(key, source.get(key));
            }
            return copy;
        }
    }

    private final PrintStream originalOut = System.out;
    private final PrintStream originalErr = System.err;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final FakeConfigAdmin config = new FakeConfigAdmin();

    @BeforeEach
    void capture() {
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private JoinCommand join(String server, String token, String certServer, String nodeName) {
        JoinCommand command = new JoinCommand();
        command.server = server;
        command.token = token;
        command.certServer = certServer;
        command.nodeName = nodeName;
        command.configurationAdmin = config.admin();
        return command;
    }

    @Test
    void serverAndTokenAreRequiredOptions() throws Exception {
        assertThat(JoinCommand.class.getDeclaredField("server").getAnnotation(Option.class).required()).isTrue();
        assertThat(JoinCommand.class.getDeclaredField("token").getAnnotation(Option.class).required()).isTrue();
        assertThat(JoinCommand.class.getDeclaredField("certServer").getAnnotation(Option.class).required()).isFalse();
    }

    @Test
    void aMissingServerIsRefusedAndNothingIsWritten() throws Exception {
        refused(join(null, TOKEN, null, null));
        assertThat(err()).contains("edge:join: the address is empty");
        refused(join("  ", TOKEN, null, null));
        assertThat(config.calls).isEmpty();
        assertThat(out()).doesNotContain("Joining");
    }

    @Test
    void badTokensAreRefusedWithTheReason() throws Exception {
        refused(join("10.0.0.5:10000", "", null, null));
        assertThat(err()).contains("edge:join: the token is empty");
        err.reset();
        refused(join("10.0.0.5:10000", "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.c2ln", null, null));
        assertThat(err()).contains("edge:join: the token must have 4 dot-separated parts").contains("it has 3");
        err.reset();
        refused(join("10.0.0.5:10000", "nothex." + TOKEN.substring(65), null, null));
        assertThat(err()).contains("64-hex-digit SHA-256 of the CA");
        err.reset();
        refused(join("10.0.0.5:10000", HASH + ".a b.c.d", null, null));
        assertThat(err()).contains("JWT part 1 is not base64url");
        assertThat(config.calls).isEmpty();
    }

    @Test
    void badAddressesAreRefused() throws Exception {
        refused(join("wss://10.0.0.5:10000", TOKEN, null, null));
        assertThat(err()).contains("without a scheme");
        err.reset();
        refused(join("10.0.0.5:10000", TOKEN, "10.0.0.5:99999", null));
        assertThat(err()).contains("out of range");
        err.reset();
        refused(join("fd00::1:10000", TOKEN, null, null));
        assertThat(err()).contains("IPv6 address in brackets");
        assertThat(config.calls).isEmpty();
    }

    @Test
    void aValidJoinWritesThePidAndLeaveDeletesIt() throws Exception {
        join(" 10.0.0.5:10000 ", " " + TOKEN + " ", "10.0.0.5:10002", "edge-7").execute();
        assertThat(err()).isEmpty();
        assertThat(out()).contains("Joining 10.0.0.5:10000");
        assertThat(config.properties.get("server")).isEqualTo("10.0.0.5:10000");
        assertThat(config.properties.get("token")).isEqualTo(TOKEN);
        assertThat(config.properties.get("cert.server")).isEqualTo("10.0.0.5:10002");
        assertThat(config.properties.get("node.name")).isEqualTo("edge-7");

        // joining again without the optional ones drops them
        join("10.0.0.6", TOKEN, null, "").execute();
        assertThat(config.properties.get("server")).isEqualTo("10.0.0.6");
        assertThat(config.properties.get("cert.server")).isNull();
        assertThat(config.properties.get("node.name")).isNull();

        LeaveCommand leave = new LeaveCommand();
        leave.configurationAdmin = config.admin();
        leave.execute();
        assertThat(config.calls).containsExactly("update", "update", "delete");
        assertThat(out()).contains("Left the cloud");
        out.reset();
        leave.execute();
        assertThat(out()).contains("Not joined to a cloud.");
    }

    @Test
    void leaveForgetDeletesTheCredentials(@TempDir Path data) throws Exception {
        Path cloud = Files.createDirectories(data.resolve("cloud"));
        Files.writeString(cloud.resolve("edge.key"), "key");
        Files.writeString(data.resolve("karedge.db"), "keep");
        LeaveCommand leave = new LeaveCommand();
        leave.configurationAdmin = config.admin();
        leave.forget = true;
        leave.node = new EdgeNode() {
            @Override
            public String nodeName() {
                return "edge-1";
            }

            @Override
            public NodeMode mode() {
                return NodeMode.CLOUD;
            }

            @Override
            public Path dataDirectory() {
                return data;
            }
        };
        leave.execute();
        assertThat(cloud).doesNotExist();
        assertThat(data.resolve("karedge.db")).exists();
        assertThat(out()).contains("Deleted the cloud credentials");

        leave.node = null;
        refused(leave);
        assertThat(err()).contains("no node service, credentials not deleted");
    }

    @Test
    void cloudShowsDisabledWithoutConfigurationAndTheCountersWithIt() {
        CloudCommand command = new CloudCommand();
        command.execute();
        assertThat(out()).contains("DISABLED");
        out.reset();

        Instant now = Instant.parse("2026-01-02T03:04:05Z");
        command.status = () -> new CloudLinkSnapshot(LinkState.BACKING_OFF, "connection refused", now,
                "10.0.0.5:10000", "edge-1", null, null, null, 12, 3, 4, 5, 6);
        command.execute();
        assertThat(out()).contains("State:           BACKING_OFF (connection refused) since 2026-01-02T03:04:05Z")
                .contains("Server:          10.0.0.5:10000").contains("Certificate:     none")
                .contains("Last keepalive:  never").contains("Uplink depth:    12").contains("Reconnects:      5")
                .contains("Dead letters:    6");
    }

    @Test
    void cloudShowsTheWatchFeedOneLinePerResource() {
        Instant now = Instant.parse("2026-01-02T03:04:05Z");
        List<WatchedResource> watches = List.of(
                new WatchedResource("services", WatchState.ACCEPTED, "", null, now, 12, 1, "", 7, 30),
                new WatchedResource("endpoints", WatchState.REFUSED, "endpoints is forbidden", now.plusSeconds(5),
                        now, 3, 0, "", 0, 0),
                new WatchedResource("nodes", WatchState.RETRYING, "no answer in 10 s", now.plusSeconds(20), null, 0, 0,
                        "Rejected: not served", now.plusSeconds(10), 0, 0));
        CloudCommand command = new CloudCommand();
        command.status = () -> new CloudLinkSnapshot(LinkState.CONNECTED, "", now, "10.0.0.5:10000", "edge-1", null,
                null, null, 0, 0, 0, 0, 0, 0, Map.of(), watches);
        command.execute();
        assertThat(out()).contains("Watch services:  accepted; listed 12 at 2026-01-02T03:04:05Z, 1 deleted here;"
                        + " 7 event(s) since connect\n")
                .contains("Watch endpoints: refused (endpoints is forbidden), asked again at 2026-01-02T03:04:10Z;"
                        + " listed 3 at 2026-01-02T03:04:05Z, 0 deleted here; 0 event(s) since connect\n")
                .contains("Watch nodes:     retrying at 2026-01-02T03:04:25Z (no answer in 10 s); never listed"
                        + " (list failing: Rejected: not served, tried again at 2026-01-02T03:04:15Z); 0 event(s) since"
                        + " connect\n");
        out.reset();

        command.status = () -> new CloudLinkSnapshot(LinkState.BACKING_OFF, "connection refused", now,
                "10.0.0.5:10000", "edge-1", null, null, null, 0, 0, 0, 0, 0, 0, Map.of(), List.of(
                        new WatchedResource("services", WatchState.DISCONNECTED, "CloudHub closed the connection",
                                null, now, 12, 1, "", 7, 30)));
        command.execute();
        assertThat(out()).contains("Watch services:  disconnected, asked again when the link is back (CloudHub closed"
                + " the connection); listed 12 at 2026-01-02T03:04:05Z, 1 deleted here; 7 event(s) since connect\n");
        out.reset();

        command.status = () -> new CloudLinkSnapshot(LinkState.CONNECTED, "", now, "10.0.0.5:10000", "edge-1", null,
                null, null, 0, 0, 0, 0, 0, 0, Map.of(), List.of(
                        new WatchedResource("services", WatchState.NOT_ASKED, "", null, null, 0, 0, "", 0, 0),
                        new WatchedResource("nodes", WatchState.ASKED, "", null, null, 0, 0, "", 0, 4)));
        command.execute();
        assertThat(out()).contains("Watch services:  not asked; never listed; 0 event(s) since connect")
                .contains("Watch nodes:     asked; never listed; 0 event(s) since connect");
        out.reset();

        command.status = () -> new CloudLinkSnapshot(LinkState.CONNECTED, "", now, "10.0.0.5:10000", "edge-1", null,
                null, null, 0, 0, 0, 0, 0);
        command.execute();
        assertThat(out()).contains("Cloud watch:     none (watch.resources is empty)").doesNotContain("Watch ");
    }

    /** Runs a command that must refuse: Karaf shows the exception's message and exits 1 (bin/client too). */
    private static void refused(Action command) {
        try {
            command.execute();
        } catch (CommandException e) {
            System.err.print(e.getMessage());
            return;
        } catch (Exception e) {
            throw new AssertionError("expected a CommandException", e);
        }
        throw new AssertionError("the command did not refuse");
    }

}
