package io.karedge.api.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class DesiredValueRulesTest {

    private static final DeviceModel MODEL = new DeviceModel("devices.kubeedge.io/v1beta1", "DeviceModel",
            new ObjectMetaBuilder().withName("thermo").withNamespace("default").build(),
            new DeviceModelSpec("modbus", null, List.of(
                    new ModelProperty("setpoint", null, "INT", "ReadWrite", "5", "30", null, null),
                    new ModelProperty("gain", null, "FLOAT", "ReadWrite", "-1.5", "", null, null),
                    new ModelProperty("enabled", null, "BOOLEAN", "ReadWrite", null, null, null, null),
                    new ModelProperty("label", null, "STRING", "ReadWrite", null, null, null, null),
                    new ModelProperty("temperature", null, "FLOAT", "ReadOnly", null, null, null, null),
                    new ModelProperty("mode", null, "STRING", null, null, null, null, null))));

    @Test
    void valuesWithinTheModelAreAllowed() {
        assertThat(DesiredValueRules.problem(MODEL, "setpoint", "5")).isEmpty();
        assertThat(DesiredValueRules.problem(MODEL, "setpoint", "30")).isEmpty();
        assertThat(DesiredValueRules.problem(MODEL, "gain", "1e3")).isEmpty();
        assertThat(DesiredValueRules.problem(MODEL, "enabled", "false")).isEmpty();
        assertThat(DesiredValueRules.problem(MODEL, "label", "anything at all")).isEmpty();
        assertThat(DesiredValueRules.problem(MODEL, "not-in-model", "x")).isEmpty();
        assertThat(DesiredValueRules.problem(MODEL, "temperature", "")).as("clearing").isEmpty();
        assertThat(DesiredValueRules.problem(null, "temperature", "99")).as("no model known").isEmpty();
    }

    @Test
    void readOnlyAndUnmarkedPropertiesTakeNoDesiredValue() {
        assertThat(DesiredValueRules.problem(MODEL, "temperature", "18")).hasValueSatisfying(
                reason -> assertThat(reason).contains("temperature").contains("ReadOnly").contains("thermo"));
        assertThat(DesiredValueRules.problem(MODEL, "mode", "auto")).hasValueSatisfying(
                reason -> assertThat(reason).contains("not ReadWrite"));
    }

    @Test
    void typesAreChecked() {
        assertThat(DesiredValueRules.problem(MODEL, "setpoint", "12.5")).hasValueSatisfying(
                reason -> assertThat(reason).contains("INT").contains("not a whole number"));
        assertThat(DesiredValueRules.problem(MODEL, "setpoint", "ten")).isPresent();
        assertThat(DesiredValueRules.problem(MODEL, "gain", "NaN")).hasValueSatisfying(
                reason -> assertThat(reason).contains("not a number"));
        assertThat(DesiredValueRules.problem(MODEL, "enabled", "yes")).hasValueSatisfying(
                reason -> assertThat(reason).contains("not true or false"));
    }

    @Test
    void boundsAreChecked() {
        assertThat(DesiredValueRules.problem(MODEL, "setpoint", "99")).hasValueSatisfying(
                reason -> assertThat(reason).contains("above the maximum 30"));
        assertThat(DesiredValueRules.problem(MODEL, "setpoint", "4")).hasValueSatisfying(
                reason -> assertThat(reason).contains("below the minimum 5"));
        assertThat(DesiredValueRules.problem(MODEL, "gain", "-1.6")).isPresent();
        assertThat(DesiredValueRules.problem(MODEL, "gain", "1000000")).as("empty maximum: no bound").isEmpty();
    }
}
