package io.karedge.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.impl.action.command.DefaultActionPreparator;
import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.Test;

/** The words of a command line go through Karaf's own preparation, then through {@link TrailingOptions}. */
class TrailingOptionsTest {

    private static <A extends Action> A typed(A action, String line) throws Exception {
        List<Object> words = new ArrayList<>(Arrays.asList(line.split(" ")));
        new DefaultActionPreparator().prepare(action, null, words);
        TrailingOptions.apply(action);
        return action;
    }

    @Test
    void theReadmeLinesWork() throws Exception {
        TwinSetCommand set = typed(new TwinSetCommand(), "thermometer-01 setpoint 26 --expect-version 1");
        assertThat(set.device).isEqualTo("thermometer-01");
        assertThat(set.property).isEqualTo("setpoint");
        assertThat(set.value).isEqualTo("26");
        assertThat(set.expectVersion).isEqualTo(1L);

        TwinCommand twin = typed(new TwinCommand(), "counter-01 -n default");
        assertThat(twin.device).isEqualTo("counter-01");
        assertThat(twin.namespace).isEqualTo("default");

        DeviceCommand device = typed(new DeviceCommand(), "counter-01 -n plant");
        assertThat(device.device).isEqualTo("counter-01");
        assertThat(device.namespace).isEqualTo("plant");
    }

    @Test
    void optionsMayStandBeforeBetweenOrAfterTheArguments() throws Exception {
        TwinSetCommand before = typed(new TwinSetCommand(), "-n plant --expect-version 3 dev p 7");
        assertThat(List.of(before.namespace, before.device, before.property, before.value))
                .containsExactly("plant", "dev", "p", "7");
        assertThat(before.expectVersion).isEqualTo(3L);

        TwinSetCommand between = typed(new TwinSetCommand(), "dev --expect-version=0 p -nplant 7");
        assertThat(List.of(between.namespace, between.device, between.property, between.value))
                .containsExactly("plant", "dev", "p", "7");
        assertThat(between.expectVersion).isZero();
        assertThat(between.trailing).isNull();
    }

    @Test
    void edgeGetReadsItsOptionsAsBefore() throws Exception {
        GetCommand get = typed(new GetCommand(), "po web -o yaml -n apps");
        assertThat(List.of(get.kind, get.name, get.output, get.namespace)).containsExactly("po", "web", "yaml", "apps");

        get = typed(new GetCommand(), "po -ojson --namespace=plant web");
        assertThat(List.of(get.kind, get.name, get.output, get.namespace)).containsExactly("po", "web", "json", "plant");

        get = typed(new GetCommand(), "devices -A");
        assertThat(get.allNamespaces).isTrue();
        assertThat(get.name).isNull();

        get = typed(new GetCommand(), "devices --all-namespaces -o wide");
        assertThat(get.allNamespaces).isTrue();
        assertThat(get.output).isEqualTo("wide");
    }

    @Test
    void aNegativeNumberIsAValueAndDoubleDashEndsTheOptions() throws Exception {
        TwinSetCommand negative = typed(new TwinSetCommand(), "dev setpoint -5");
        assertThat(negative.value).isEqualTo("-5");

        TwinSetCommand dashed = typed(new TwinSetCommand(), "dev label -- -on-");
        assertThat(dashed.value).isEqualTo("-on-");
    }

    @Test
    void mistakesAreNamed() {
        assertThatThrownBy(() -> typed(new TwinSetCommand(), "dev p 1 extra"))
                .isInstanceOf(CommandException.class).hasMessageStartingWith("too many arguments specified: extra");
        assertThatThrownBy(() -> typed(new GetCommand(), "po web -o"))
                .isInstanceOf(CommandException.class).hasMessage("option -o needs a value");
        assertThatThrownBy(() -> typed(new GetCommand(), "po --watch"))
                .isInstanceOf(CommandException.class)
                .hasMessage("unknown option --watch (options are -n/--namespace, -A/--all-namespaces, -o/--output)");
        assertThatThrownBy(() -> typed(new TwinSetCommand(), "dev p 1 --expect-version x"))
                .isInstanceOf(CommandException.class).hasMessage("option --expect-version takes a whole number, not x");
        assertThatThrownBy(() -> typed(new TwinSetCommand(), "dev p --expect-version 1"))
                .isInstanceOf(CommandException.class).hasMessage("argument VALUE is required");
        assertThatThrownBy(() -> typed(new TwinCommand(), "dev -A"))
                .isInstanceOf(CommandException.class).hasMessageStartingWith("unknown option -A");
    }
}
