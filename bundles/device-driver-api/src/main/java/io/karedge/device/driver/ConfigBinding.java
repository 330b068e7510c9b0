package io.karedge.device.driver;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.device.Device;
import io.karedge.api.device.DeviceProperty;
import io.karedge.device.driver.internal.RecordBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Binds KubeEdge {@code configData} (a device's {@code spec.protocol.configData} or a property's
 * {@code visitors.configData}) to a driver's own record, so that every driver reads its settings by the
 * same rules and reports mistakes in the same words.
 *
 * <p><b>Keys.</b> Each record component is read from the key of its name, or as {@link ConfigKey} says
 * (another name, aliases, required, a range, a duration's unit). Keys the record does not know are not
 * an error: each is reported once as a warning naming the key (and the device in {@link #check}), and
 * otherwise ignored. Giving a key and its alias together is an error.
 *
 * <p><b>Values.</b> KubeEdge passes numbers and booleans either as JSON values or as strings (DMI turns
 * them into strings), so both are accepted: {@code String} (trimmed; a blank string counts as absent),
 * {@code int}, {@code long} (whole numbers, {@code "12"} and {@code 12.0} too), {@code double},
 * {@code float}, {@code BigDecimal}, {@code boolean} ({@code true}/{@code false}, any case), enums (by
 * constant name or {@code toString()}, any case), {@link java.time.Duration} (a plain number in the
 * component's {@link ConfigKey#unit()}, milliseconds by default, or a number with a unit: {@code 500ms},
 * {@code 5s}, {@code 2m}, {@code 1h}), {@link JsonNode} (as given), and nested records (a JSON object
 * bound by the same rules).
 *
 * <p><b>Defaults.</b> An absent key takes the value of the same component of the record's static field
 * {@code DEFAULTS} (of the record's own type) when it has one; otherwise {@code null}, or 0 / false for
 * primitives. The record's canonical constructor runs last and may check combinations: an
 * {@link IllegalArgumentException} it throws is reported with the place in front of its message.
 *
 * <p><b>Errors.</b> An {@link IllegalArgumentException} whose message starts with the place (for example
 * {@code device plant/pump-1 protocol configData}) and names the key, the value given and what was
 * expected: {@code port must be a whole number between 1 and 65535, not '70000'}.
 *
 * @since 0.3
 */
public final class ConfigBinding {

    private ConfigBinding() {
    }

    /**
     * Binds one {@code configData} object.
     *
     * @param configData the object; null or a missing node binds like an empty object
     * @param type       a record class
     * @param where      the place named in errors and warnings, e.g. {@code property temp visitors.configData}
     * @param warnings   receives one message per unknown key
     * @throws IllegalArgumentException when a value is wrong or a required key is missing
     */
    public static <T> T bind(JsonNode configData, Class<T> type, String where, Consumer<String> warnings) {
        return RecordBinder.bind(configData, type, where, warnings);
    }

    /**
     * Binds a device's {@code spec.protocol.configData}, ignoring unknown keys (they are reported by
     * {@link #check}).
     *
     * @throws IllegalArgumentException when a value is wrong or a required key is missing
     */
    public static <T> T protocolConfigAs(Device device, Class<T> type) {
        return bind(protocolConfigData(device), type, where(device), warning -> { });
    }

    /**
     * Binds a device's protocol settings and every property's visitor settings, as a driver's
     * {@link ProtocolDriver#validate} does: the first error is thrown; the warnings (unknown keys, each
     * naming the device and the key) are returned for the driver to log once.
     *
     * @param protocolType the record of {@code spec.protocol.configData}, or null when the driver has none
     * @param visitorType  the record of each property's {@code visitors.configData}, or null
     * @return the warnings, in key order
     * @throws IllegalArgumentException at the first wrong value
     */
    public static List<String> check(Device device, Class<?> protocolType, Class<?> visitorType) {
        List<String> warnings = new ArrayList<>();
        if (protocolType != null) {
            bind(protocolConfigData(device), protocolType, where(device), warnings::add);
        }
        if (visitorType != null && device.spec() != null) {
            for (DeviceProperty property : device.spec().properties()) {
                if (property.name() == null || property.name().isBlank()) {
                    continue;
                }
                bind(new PropertyRequest(property, null).configData(), visitorType,
                        "device " + device.id() + " property " + property.name() + " visitors.configData",
                        warnings::add);
            }
        }
        return warnings;
    }

    /** @return the device's {@code spec.protocol.configData}, or null */
    public static JsonNode protocolConfigData(Device device) {
        return device.spec() == null || device.spec().protocol() == null
                ? null : device.spec().protocol().configData();
    }

    private static String where(Device device) {
        return "device " + device.id() + " protocol configData";
    }
}
