package io.karedge.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.karedge.eventbus.MqttBusStatus;
import org.junit.jupiter.api.Test;

class MqttCommandTest {

    @Test
    void withoutTheServiceItSaysSo() {
        assertThat(MqttCommand.format(null)).isEqualTo("event bus not running\n");
    }

    @Test
    void embeddedBusShowsClientsRatesAndTotals() {
        String text = MqttCommand.format(new Status("embedded", true));

        assertThat(text).contains("Mode:           embedded", "Address:        tcp://127.0.0.1:1883",
                "Clients:        3", "Messages in:    12/s  (total 3400)", "Messages out:   25/s  (total 6800)",
                "Rejected:       2", "Errors:         1");
        assertThat(text).doesNotContain("NOT");
    }

    @Test
    void disconnectedExternalBusIsFlagged() {
        String text = MqttCommand.format(new Status("external", false));

        assertThat(text).contains("(NOT connected)").doesNotContain("Clients:");
    }

    @Test
    void aBrokerThatCannotBindSaysWhy() {
        String text = MqttCommand.format(new Status("embedded", false, "cannot bind 127.0.0.1:1883: Address already"
                + " in use (attempt 3, next in 5000 ms)"));

        assertThat(text).contains("tcp://127.0.0.1:1883  (NOT listening)",
                "Problem:        cannot bind 127.0.0.1:1883: Address already in use (attempt 3, next in 5000 ms)");
        assertThat(MqttCommand.format(new Status("embedded", true))).doesNotContain("Problem:");
    }

    private record Status(String mode, boolean connected, String problem) implements MqttBusStatus {

        Status(String mode, boolean connected) {
            this(mode, connected, null);
        }
        @Override
        public String address() {
            return "external".equals(mode) ? "tcp://broker:1883" : "tcp://127.0.0.1:1883";
        }

        @Override
        public int connectedClients() {
            return 3;
        }

        @Override
        public double messagesInPerSecond() {
            return 12.2;
        }

        @Override
        public double messagesOutPerSecond() {
            return 25;
        }

        @Override
        public long messagesIn() {
            return 3400;
        }

        @Override
        public long messagesOut() {
            return 6800;
        }

        @Override
        public long rejected() {
            return 2;
        }

        @Override
        public long errors() {
            return 1;
        }
    }
}
