package io.karedge.twin.internal;

import io.karedge.api.device.DesiredValueRules;
import io.karedge.api.device.DeviceModel;
import java.util.Optional;

/**
 * The DeviceModel of a member device, for checking desired values against it
 * ({@link DesiredValueRules}). A device without a model, or whose model is not known, is not checked.
 */
@FunctionalInterface
interface ModelRules {

    ModelRules NONE = deviceId -> Optional.empty();

    /** @return the model of device {@code <namespace>/<name>}, if it names one that exists */
    Optional<DeviceModel> modelOf(String deviceId);

    /** @return the model's reason to refuse {@code value} as the desired value of {@code property}, or null */
    default String problem(String deviceId, String property, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        return modelOf(deviceId).flatMap(model -> DesiredValueRules.problem(model, property, value)).orElse(null);
    }
}
