package io.karedge.api.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one JSON configuration of Karedge: unknown fields are tolerated (the cloud is newer than us more
 * often than not), nulls are not written, and dates are not timestamps.
 *
 * <p>{@link ObjectMapper} is thread-safe once configured; callers must not reconfigure the shared
 * instance. Use {@link #newMapper()} for a private, changeable copy.
 */
public final class KaredgeJson {

    private static final ObjectMapper MAPPER = newMapper();

    private KaredgeJson() {
    }

    /** @return the shared, read-only configured mapper */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** @return a new mapper with Karedge's settings */
    public static ObjectMapper newMapper() {
        return JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .build();
    }
}
