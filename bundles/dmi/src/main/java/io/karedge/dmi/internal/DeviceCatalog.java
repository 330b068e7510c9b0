package io.karedge.dmi.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.karedge.api.device.DesiredValueRules;
import io.karedge.api.device.DriftPause;
import io.karedge.api.device.ModelProperty;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.Kinds;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.StoredObject;
import io.karedge.dmi.internal.DmiConversion.ConversionException;
import io.karedge.dmi.internal.proto.Device;
import io.karedge.dmi.internal.proto.DeviceModel;
import io.karedge.dmi.internal.proto.MapperRegisterResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The devices of this node and all device models, as last read from the MetaStore, and their DMI form as
 * last handed to the mappers. Every change is turned into the pushes that bring a mapper from what it was
 * sent to what it should have; pushes go to the {@link Sink} while the catalog's lock is held, so a
 * registration that takes a snapshot under the same lock sees no gap and no duplicate.
 *
 * <p>Member devices: {@code spec.nodeName} empty or equal to this node's name. A device is sent only once
 * its model is known and it converts (reference 1.8, 4.5, 4.6); until then it is logged and held back. An
 * update is pushed only when the converted device differs from the one sent before, so status-only
 * changes do not restart the device in the mapper.
 */
final class DeviceCatalog {

    /** Receives the pushes for the mapper of a protocol. Called with the catalog's lock held; must not block. */
    interface Sink {
        void push(String protocol, Push push);
    }

    /** What a mapper was given for one device or model. */
    private record Sent<T>(String protocol, T message) {
    }

    /** The devices and models a registering mapper gets, index-aligned. */
    record Snapshot(List<DeviceModel> models, List<Device> devices) {

        MapperRegisterResponse toResponse() {
            return MapperRegisterResponse.newBuilder().addAllModelList(models).addAllDeviceList(devices).build();
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(DeviceCatalog.class);

    private final String nodeName;
    private final Sink sink;
    private final Map<ObjectKey, io.karedge.api.device.Device> devices = new TreeMap<>();
    private final Map<ObjectKey, io.karedge.api.device.DeviceModel> models = new TreeMap<>();
    private final Map<ObjectKey, Sent<Device>> sentDevices = new TreeMap<>();
    private final Map<ObjectKey, Sent<DeviceModel>> sentModels = new TreeMap<>();
    private final Map<ObjectKey, String> heldBack = new TreeMap<>();
    /** desired values accepted at the edge (the twin's expected values), which win over the spec's */
    private final Map<ObjectKey, Map<String, String>> edgeDesired = new TreeMap<>();
    private final Map<ObjectKey, Long> lastResend = new TreeMap<>();
    private final long resendMillis;
    private final long resendMaxMillis;
    private final boolean enforce;
    private final Map<ObjectKey, DriftPause> drift = new TreeMap<>();
    private final Function<String, Map<String, String>> accepted;

    DeviceCatalog(String nodeName, Sink sink) {
        this(nodeName, sink, id -> Map.of(), RESEND_MILLIS);
    }

    DeviceCatalog(String nodeName, Sink sink, Function<String, Map<String, String>> accepted, long resendMillis) {
        this(nodeName, sink, accepted, resendMillis, Math.max(resendMillis, 60_000), true);
    }

    /**
     * @param accepted     the twin's accepted desired values of a device ({@code <ns>/<name>}), which win over
     *                     the spec's and over values handed in through {@link #desired}
     * @param resendMillis shortest pause between two pushes of a device whose mapper lags behind
     * @param resendMaxMillis longest pause between two pushes of a device whose reported value keeps drifting
     * @param enforce      whether a drifted reported value makes the device be pushed again
     */
    DeviceCatalog(String nodeName, Sink sink, Function<String, Map<String, String>> accepted, long resendMillis,
                  long resendMaxMillis, boolean enforce) {
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.accepted = Objects.requireNonNull(accepted, "accepted");
        this.resendMillis = resendMillis;
        this.resendMaxMillis = resendMaxMillis;
        this.enforce = enforce;
    }

    /** Shortest pause between two pushes of a device whose mapper reports an older desired value. */
    static final long RESEND_MILLIS = 5000;

    /**
     * Desired values accepted at the edge for a device a mapper serves: they replace the spec's
     * {@code desired.value} in what the mapper is given, and reach it as {@code UpdateDevice} when that changes.
     *
     * @return whether the device is known here (else nothing is kept)
     */
    synchronized boolean desired(String namespace, String name, Map<String, String> values) {
        ObjectKey key = ObjectKey.of(Kinds.DEVICE, namespace, name);
        if (!devices.containsKey(key)) {
            return false;
        }
        edgeDesired.computeIfAbsent(key, k -> new TreeMap<>()).putAll(values);
        reconcileDevice(key, true);
        return true;
    }

    /** The twin of a device changed: what its mapper is given is brought up to date (pushed if it differs). */
    synchronized void refresh(String namespace, String name) {
        ObjectKey key = ObjectKey.of(Kinds.DEVICE, namespace, name);
        if (devices.containsKey(key)) {
            reconcileDevice(key, true);
        }
    }

    /**
     * A mapper reported the desired values it holds ({@code observedDesired}) and the device's values
     * ({@code reported}). Where a held value differs from what the mapper was given, the device is pushed again
     * ({@code UpdateDevice}: the mapper framework restarts the device and sets its desired values), at most once
     * per {@code resendMillis}. Where the mapper holds the value but the device reports another one for a
     * {@code ReadWrite} property (compared by the model's type), the device restarted behind the mapper: it is
     * pushed again too (with enforcement on), first at once, then after a pause doubling from
     * {@code resendMillis} to {@code resendMaxMillis} while it keeps drifting.
     *
     * @return the properties that lag or drifted, empty when the mapper and the device hold every desired value
     */
    synchronized List<String> observed(String namespace, String name, Map<String, String> observed,
                                       Map<String, String> reported, long nowMillis) {
        ObjectKey key = ObjectKey.of(Kinds.DEVICE, namespace, name);
        Sent<Device> sent = sentDevices.get(key);
        if (sent == null) {
            return List.of();
        }
        List<String> lagging = new ArrayList<>();
        List<String> drifted = new ArrayList<>();
        boolean held = false;
        for (io.karedge.dmi.internal.proto.DeviceProperty property : sent.message().getSpec().getPropertiesList()) {
            String given = property.getDesired().getValue();
            String holds = observed.get(property.getName());
            if (given.isEmpty() || holds == null) {
                continue;
            }
            if (!holds.equals(given)) {
                lagging.add(property.getName());
                continue;
            }
            Optional<ModelProperty> rules = modelProperty(key, property.getName());
            String value = reported.get(property.getName());
            if (value != null && rules.isPresent() && rules.get().writable()) {
                if (DesiredValueRules.reached(rules.get().type(), value, given)) {
                    held = true;
                } else {
                    drifted.add(property.getName() + "=" + clip(value));
                }
            }
        }
        Long last = lastResend.get(key);
        if (!lagging.isEmpty()) {
            if (last == null || nowMillis - last >= resendMillis) {
                lastResend.put(key, nowMillis);
                LOG.info("Mapper of {} holds an older desired value of {}; the device is pushed again", key, lagging);
                sink.push(sent.protocol(), Push.device(Push.Type.UPDATE_DEVICE, sent.message()));
            }
            return lagging;
        }
        DriftPause pause = drift.computeIfAbsent(key, k -> new DriftPause(resendMillis, resendMaxMillis));
        if (drifted.isEmpty()) {
            if (held) {
                pause.held(nowMillis);
            }
            return List.of();
        }
        if (!enforce || (last != null && nowMillis - last < resendMillis)) {
            return drifted;
        }
        DriftPause.Decision decision = pause.drifted(nowMillis);
        if (decision != DriftPause.Decision.WAIT) {
            lastResend.put(key, nowMillis);
            if (decision == DriftPause.Decision.WRITE_FIRST) {
                LOG.info("Device {} reports {} although its mapper holds the desired values; the device is pushed "
                        + "again", key, drifted);
            } else {
                LOG.debug("Device {} still reports {}; pushed again", key, drifted);
            }
            sink.push(sent.protocol(), Push.device(Push.Type.UPDATE_DEVICE, sent.message()));
        }
        return drifted;
    }

    private Optional<ModelProperty> modelProperty(ObjectKey deviceKey, String property) {
        io.karedge.api.device.Device device = devices.get(deviceKey);
        io.karedge.api.device.DeviceModel model = device == null ? null
                : models.get(ObjectKey.of(Kinds.DEVICE_MODEL, deviceKey.namespace(), device.modelName()));
        return model == null || model.spec() == null ? Optional.empty() : model.spec().property(property);
    }

    private static String clip(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "...";
    }

    /**
     * Replaces the whole content, after a (re)list.
     *
     * @param announce whether differences are pushed; {@code false} for the first list after start-up,
     *                 when the registered mappers already hold what they were given before the restart
     */
    synchronized void replaceAll(List<StoredObject> deviceObjects, List<StoredObject> modelObjects, boolean announce) {
        models.clear();
        for (StoredObject object : modelObjects) {
            readModel(object).ifPresent(model -> models.put(object.key(), model));
        }
        devices.clear();
        for (StoredObject object : deviceObjects) {
            readMember(object).ifPresent(device -> devices.put(object.key(), device));
        }
        TreeSet<ObjectKey> modelKeys = new TreeSet<>(models.keySet());
        modelKeys.addAll(sentModels.keySet());
        for (ObjectKey key : modelKeys) {
            reconcileModel(key, announce);
        }
        TreeSet<ObjectKey> deviceKeys = new TreeSet<>(devices.keySet());
        deviceKeys.addAll(sentDevices.keySet());
        for (ObjectKey key : deviceKeys) {
            reconcileDevice(key, announce);
        }
    }

    /** A Device was added, changed or deleted ({@code object} empty). */
    synchronized void deviceChanged(ObjectKey key, Optional<StoredObject> object) {
        Optional<io.karedge.api.device.Device> member = object.flatMap(this::readMember);
        if (member.isPresent()) {
            devices.put(key, member.get());
        } else {
            devices.remove(key);
        }
        reconcileDevice(key, true);
    }

    /** A DeviceModel was added, changed or deleted ({@code object} empty). */
    synchronized void modelChanged(ObjectKey key, Optional<StoredObject> object) {
        Optional<io.karedge.api.device.DeviceModel> model = object.flatMap(this::readModel);
        if (model.isPresent()) {
            models.put(key, model.get());
        } else {
            models.remove(key);
        }
        reconcileModel(key, true);
        for (Map.Entry<ObjectKey, io.karedge.api.device.Device> entry : devices.entrySet()) {
            if (entry.getKey().namespace().equals(key.namespace())
                    && entry.getValue().modelName().equals(key.name())) {
                reconcileDevice(entry.getKey(), true);
            }
        }
    }

    /**
     * Runs {@code action} with the snapshot a mapper of {@code protocol} gets at registration, under the
     * catalog's lock: pushes caused by later changes reach the sink only after {@code action} returned.
     */
    synchronized <T> T register(String protocol, Function<Snapshot, T> action) {
        List<DeviceModel> modelList = new ArrayList<>();
        List<Device> deviceList = new ArrayList<>();
        for (Map.Entry<ObjectKey, Sent<Device>> entry : sentDevices.entrySet()) {
            Sent<Device> sent = entry.getValue();
            if (!sent.protocol().equals(protocol)) {
                continue;
            }
            ObjectKey modelKey = ObjectKey.of(Kinds.DEVICE_MODEL, entry.getKey().namespace(),
                    sent.message().getSpec().getDeviceModelReference());
            io.karedge.api.device.DeviceModel model = models.get(modelKey);
            if (model == null) {
                LOG.warn("Device {} is not given to mapper of protocol {}: its model {} is unknown",
                        entry.getKey(), protocol, modelKey.name());
                continue;
            }
            modelList.add(DmiConversion.model(modelKey.namespace(), model));
            deviceList.add(sent.message());
        }
        return action.apply(new Snapshot(modelList, deviceList));
    }

    /** @return whether {@code <namespace>/<name>} is a device of this node */
    synchronized boolean isMember(String namespace, String name) {
        return devices.containsKey(ObjectKey.of(Kinds.DEVICE, namespace, name));
    }

    /**
     * The twin type for a reported property, from the model's property type: INT is {@code int}, FLOAT and
     * DOUBLE are {@code float}, BOOLEAN is {@code boolean}, STRING is {@code string}; anything else is
     * unknown (the twin engine then uses {@code string}).
     */
    synchronized Optional<String> twinType(String namespace, String name, String property) {
        io.karedge.api.device.Device device = devices.get(ObjectKey.of(Kinds.DEVICE, namespace, name));
        if (device == null) {
            return Optional.empty();
        }
        io.karedge.api.device.DeviceModel model =
                models.get(ObjectKey.of(Kinds.DEVICE_MODEL, namespace, device.modelName()));
        if (model == null || model.spec() == null) {
            return Optional.empty();
        }
        return model.spec().property(property)
                .map(p -> p.type() == null ? "" : p.type().toUpperCase(Locale.ROOT))
                .flatMap(DeviceCatalog::twinTypeOf);
    }

    static Optional<String> twinTypeOf(String modelType) {
        return switch (modelType) {
            case "INT" -> Optional.of("int");
            case "FLOAT", "DOUBLE" -> Optional.of("float");
            case "BOOLEAN" -> Optional.of("boolean");
            case "STRING" -> Optional.of("string");
            default -> Optional.empty();
        };
    }

    synchronized int deviceCount() {
        return devices.size();
    }

    /** @return how many devices the mapper of {@code protocol} was given */
    synchronized int deviceCount(String protocol) {
        return (int) sentDevices.values().stream().filter(sent -> sent.protocol().equals(protocol)).count();
    }

    /** @return the protocol of a device of this node, or null */
    synchronized String protocolOf(String namespace, String name) {
        io.karedge.api.device.Device device = devices.get(ObjectKey.of(Kinds.DEVICE, namespace, name));
        return device == null ? null : device.protocolName();
    }

    private void reconcileModel(ObjectKey key, boolean announce) {
        io.karedge.api.device.DeviceModel model = models.get(key);
        Sent<DeviceModel> before = sentModels.get(key);
        if (model == null) {
            if (before != null) {
                sentModels.remove(key);
                announce(announce, before.protocol(), Push.model(Push.Type.REMOVE_MODEL, before.message()));
            }
            return;
        }
        String protocol = model.spec() == null || model.spec().protocol() == null ? "" : model.spec().protocol();
        DeviceModel converted = DmiConversion.model(key.namespace(), model);
        Sent<DeviceModel> after = new Sent<>(protocol, converted);
        if (after.equals(before)) {
            return;
        }
        sentModels.put(key, after);
        if (before == null) {
            announce(announce, protocol, Push.model(Push.Type.CREATE_MODEL, converted));
        } else if (!before.protocol().equals(protocol)) {
            announce(announce, before.protocol(), Push.model(Push.Type.REMOVE_MODEL, before.message()));
            announce(announce, protocol, Push.model(Push.Type.CREATE_MODEL, converted));
        } else {
            announce(announce, protocol, Push.model(Push.Type.UPDATE_MODEL, converted));
        }
    }

    private void reconcileDevice(ObjectKey key, boolean announce) {
        io.karedge.api.device.Device device = devices.get(key);
        Sent<Device> before = sentDevices.get(key);
        if (device == null) {
            heldBack.remove(key);
            edgeDesired.remove(key);
            lastResend.remove(key);
            if (before != null) {
                sentDevices.remove(key);
                announce(announce, before.protocol(), Push.device(Push.Type.REMOVE_DEVICE, before.message()));
            }
            return;
        }
        ObjectKey modelKey = ObjectKey.of(Kinds.DEVICE_MODEL, key.namespace(), device.modelName());
        io.karedge.api.device.DeviceModel model = models.get(modelKey);
        if (model == null) {
            if (before != null) {
                // its model was removed while the device stays (a manifest that holds both is being removed,
                // usually the device follows at once): not a fault yet
                if (!heldBack.containsKey(key)) {
                    heldBack.put(key, "model removed");
                    LOG.info("Device {}/{} waits for its model {}, which was removed", key.namespace(), key.name(),
                            modelKey.name());
                }
                return;
            }
            holdBack(key, "its model " + modelKey.namespace() + "/" + modelKey.name() + " is not known (yet)");
            return;
        }
        Device converted;
        try {
            converted = DmiConversion.device(key.namespace(), device, model);
        } catch (ConversionException e) {
            holdBack(key, e.getMessage());
            return;
        }
        heldBack.remove(key);
        converted = DmiConversion.withDesired(converted, desiredOf(key));
        String protocol = device.protocolName();
        Sent<Device> after = new Sent<>(protocol, converted);
        if (after.equals(before)) {
            return;
        }
        sentDevices.put(key, after);
        if (before == null) {
            announce(announce, protocol, Push.device(Push.Type.REGISTER_DEVICE, converted));
        } else if (!before.protocol().equals(protocol)) {
            announce(announce, before.protocol(), Push.device(Push.Type.REMOVE_DEVICE, before.message()));
            announce(announce, protocol, Push.device(Push.Type.REGISTER_DEVICE, converted));
        } else {
            announce(announce, protocol, Push.device(Push.Type.UPDATE_DEVICE, converted));
        }
    }

    /** The desired values the mapper is given: handed in through {@link #desired}, then the twin's over them. */
    private Map<String, String> desiredOf(ObjectKey key) {
        Map<String, String> values = new TreeMap<>(edgeDesired.getOrDefault(key, Map.of()));
        try {
            values.putAll(accepted.apply(key.namespace() + "/" + key.name()));
        } catch (RuntimeException e) {
            LOG.debug("Twin of {} not readable: {}", key, e.toString());
        }
        return values;
    }

    private void holdBack(ObjectKey key, String reason) {
        if (!reason.equals(heldBack.put(key, reason))) {
            LOG.warn("Device {}/{} is not sent to a mapper: {}", key.namespace(), key.name(), reason);
        }
    }

    private void announce(boolean announce, String protocol, Push push) {
        if (announce && !protocol.isEmpty()) {
            sink.push(protocol, push);
        }
    }

    private Optional<io.karedge.api.device.Device> readMember(StoredObject object) {
        try {
            io.karedge.api.device.Device device =
                    KaredgeJson.mapper().treeToValue(object.object(), io.karedge.api.device.Device.class);
            String deviceNode = device.spec() == null || device.spec().nodeName() == null
                    ? "" : device.spec().nodeName();
            return deviceNode.isEmpty() || deviceNode.equals(nodeName) ? Optional.of(device) : Optional.empty();
        } catch (JsonProcessingException | IllegalArgumentException e) {
            LOG.warn("Device {} cannot be read and is ignored: {}", object.key(), e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<io.karedge.api.device.DeviceModel> readModel(StoredObject object) {
        try {
            return Optional.of(KaredgeJson.mapper().treeToValue(object.object(),
                    io.karedge.api.device.DeviceModel.class));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            LOG.warn("DeviceModel {} cannot be read and is ignored: {}", object.key(), e.getMessage());
            return Optional.empty();
        }
    }
}
