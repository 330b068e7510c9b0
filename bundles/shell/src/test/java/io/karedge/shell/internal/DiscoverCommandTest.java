package io.karedge.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.karedge.device.driver.DiscoveredDevice;
import io.karedge.device.manager.DiscoveryException;
import io.karedge.device.manager.DiscoveryException.Reason;
import io.karedge.device.manager.DiscoveryResult;
import io.karedge.device.manager.DriverDiscovery;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.Test;

class DiscoverCommandTest {

    private final List<String> calls = new ArrayList<>();

    private DiscoverCommand command(DriverDiscovery discovery, String... words) {
        DiscoverCommand command = new DiscoverCommand();
        command.discovery = discovery;
        command.protocol = words[0];
        command.trailing = new ArrayList<>(List.of(words).subList(1, words.length));
        return command;
    }

    private DriverDiscovery finding(DiscoveredDevice... devices) {
        return (protocol, timeout) -> {
            calls.add(protocol + " " + timeout.toSeconds());
            return new DiscoveryResult(protocol, "test.driver 1.0.0", List.of(devices), Duration.ofMillis(42));
        };
    }

    private static String run(DiscoverCommand command) throws Exception {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            command.execute();
        } finally {
            System.setOut(out);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void optionsMayFollowTheProtocolAndTheTimeoutReachesTheManager() throws Exception {
        DiscoveredDevice boiler = new DiscoveredDevice("boiler", "a boiler", new ObjectMapper().createObjectNode(),
                List.of("temperature"));

        String yaml = run(command(finding(boiler), "opcua", "--timeout", "3", "-o", "yaml"));

        assertThat(calls).containsExactly("opcua 3");
        assertThat(yaml).contains("kind: DeviceModel", "kind: Device", "name: boiler");
        assertThat(run(command(finding(boiler), "opcua", "-t5"))).contains("boiler", "1: temperature");
        assertThat(calls).containsExactly("opcua 3", "opcua 5");
        assertThat(run(command(finding(), "opcua"))).isEqualTo("No devices found by opcua in 10 s\n");
        assertThat(calls).last().isEqualTo("opcua 10");
    }

    @Test
    void theManagersRefusalIsTheCommandsError() {
        DriverDiscovery busy = (protocol, timeout) -> {
            throw new DiscoveryException(Reason.BUSY, "a scan of " + protocol + " is running; try again when it ends");
        };

        assertThatThrownBy(() -> run(command(busy, "opcua"))).isInstanceOf(CommandException.class)
                .hasMessage("a scan of opcua is running; try again when it ends");
    }

    @Test
    void badOptionsAndAMissingManagerAreNamed() {
        assertThatThrownBy(() -> run(command(finding(), "opcua", "--timeout", "61")))
                .isInstanceOf(CommandException.class).hasMessage("--timeout takes 1 to 60 seconds, not 61");
        assertThatThrownBy(() -> run(command(finding(), "opcua", "-o", "xml")))
                .isInstanceOf(CommandException.class).hasMessage("output format xml is not one of yaml, json");
        assertThatThrownBy(() -> run(command(null, "opcua")))
                .isInstanceOf(CommandException.class).hasMessageContaining("device manager is not running");
        assertThat(calls).isEmpty();
    }
}
