package io.karedge.device.driver;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.karedge.api.device.Device;
import io.karedge.api.device.DeviceModel;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Devices and models for tests, written as YAML. */
public final class TestDevices {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private TestDevices() {
    }

    public static Device device(String yaml) {
        return read(yaml, Device.class);
    }

    public static DeviceModel model(String yaml) {
        return read(yaml, DeviceModel.class);
    }

    private static <T> T read(String yaml, Class<T> type) {
        try {
            return YAML.readValue(yaml, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
