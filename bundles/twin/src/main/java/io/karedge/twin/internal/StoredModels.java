package io.karedge.twin.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.karedge.api.device.Device;
import io.karedge.api.device.DeviceModel;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.Kinds;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.StoredObject;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The models of member devices as the MetaStore holds them now: the Device, then the model it names. */
final class StoredModels implements ModelRules {

    private static final Logger LOG = LoggerFactory.getLogger(StoredModels.class);

    private final MetaStore metaStore;

    StoredModels(MetaStore metaStore) {
        this.metaStore = metaStore;
    }

    @Override
    public Optional<DeviceModel> modelOf(String deviceId) {
        int slash = deviceId == null ? -1 : deviceId.indexOf('/');
        if (slash <= 0) {
            return Optional.empty();
        }
        String namespace = deviceId.substring(0, slash);
        try {
            Optional<StoredObject> device = metaStore.get(ObjectKey.of(Kinds.DEVICE, namespace,
                    deviceId.substring(slash + 1)));
            if (device.isEmpty()) {
                return Optional.empty();
            }
            String modelName = KaredgeJson.mapper().treeToValue(device.get().object(), Device.class).modelName();
            if (modelName == null || modelName.isEmpty()) {
                return Optional.empty();
            }
            Optional<StoredObject> model = metaStore.get(ObjectKey.of(Kinds.DEVICE_MODEL, namespace, modelName));
            return model.isEmpty() ? Optional.empty()
                    : Optional.of(KaredgeJson.mapper().treeToValue(model.get().object(), DeviceModel.class));
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.debug("Model of device {} cannot be read: {}", deviceId, e.toString());
            return Optional.empty();
        }
    }
}
