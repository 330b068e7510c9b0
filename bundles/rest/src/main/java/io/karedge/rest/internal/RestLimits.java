package io.karedge.rest.internal;

import java.util.concurrent.Semaphore;
import javax.ws.rs.core.Response;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The memory and thread bounds of the REST API (PID {@code io.karedge.rest}): the largest request body, the
 * bytes a watch may have waiting for a slow client, and the watch slots that object and twin watches share
 * (each open watch holds one HTTP request thread).
 */
@Component(service = RestLimits.class, configurationPid = RestLimits.PID)
@Designate(ocd = RestLimits.Config.class)
public class RestLimits {

    static final String PID = "io.karedge.rest";

    static final long DEFAULT_BODY_MAX_BYTES = 1024 * 1024;
    static final long DEFAULT_WATCH_BUFFER_MAX_BYTES = 256 * 1024;
    static final int DEFAULT_MAX_WATCHES = 64;
    static final int DEFAULT_TWIN_PROPERTIES_PER_REQUEST_MAX = 1000;

    @ObjectClassDefinition(name = "Karedge REST API", description = "Bounds of the REST API")
    public @interface Config {

        @AttributeDefinition(description = "Largest request body in bytes; a larger one is answered 413", min = "1")
        long request_body_max_bytes() default DEFAULT_BODY_MAX_BYTES;

        @AttributeDefinition(description = "Bytes of events one watch may have waiting for a slow client; beyond "
                + "them the watch ends with an ERROR event", min = "1")
        long watch_buffer_max_bytes() default DEFAULT_WATCH_BUFFER_MAX_BYTES;

        @AttributeDefinition(description = "Watches (object and twin) open at the same time; more are answered 429",
                min = "1")
        int watch_max() default DEFAULT_MAX_WATCHES;

        @AttributeDefinition(description = "Desired values one twin PUT may set; more are answered 413 (a device's "
                + "own limit is properties.max of io.karedge.twin)", min = "1")
        int twin_properties_per_request_max() default DEFAULT_TWIN_PROPERTIES_PER_REQUEST_MAX;
    }

    private final long bodyMaxBytes;
    private final long watchBufferMaxBytes;
    private final int maxWatches;
    private final Semaphore watchSlots;
    private final int twinPropertiesPerRequestMax;

    @Activate
    public RestLimits(Config config) {
        this(config.request_body_max_bytes(), config.watch_buffer_max_bytes(), config.watch_max(),
                config.twin_properties_per_request_max());
    }

    RestLimits(long bodyMaxBytes, long watchBufferMaxBytes, int maxWatches) {
        this(bodyMaxBytes, watchBufferMaxBytes, maxWatches, DEFAULT_TWIN_PROPERTIES_PER_REQUEST_MAX);
    }

    RestLimits(long bodyMaxBytes, long watchBufferMaxBytes, int maxWatches, int twinPropertiesPerRequestMax) {
        if (bodyMaxBytes < 1 || watchBufferMaxBytes < 1 || maxWatches < 1 || twinPropertiesPerRequestMax < 1) {
            throw new IllegalArgumentException("request.body.max.bytes, watch.buffer.max.bytes, watch.max and "
                    + "twin.properties.per.request.max must be positive");
        }
        this.twinPropertiesPerRequestMax = twinPropertiesPerRequestMax;
        this.bodyMaxBytes = bodyMaxBytes;
        this.watchBufferMaxBytes = watchBufferMaxBytes;
        this.maxWatches = maxWatches;
        this.watchSlots = new Semaphore(maxWatches);
    }

    /** @return limits with the defaults */
    static RestLimits defaults() {
        return new RestLimits(DEFAULT_BODY_MAX_BYTES, DEFAULT_WATCH_BUFFER_MAX_BYTES, DEFAULT_MAX_WATCHES);
    }

    long bodyMaxBytes() {
        return bodyMaxBytes;
    }

    long watchBufferMaxBytes() {
        return watchBufferMaxBytes;
    }

    int twinPropertiesPerRequestMax() {
        return twinPropertiesPerRequestMax;
    }

    int maxWatches() {
        return maxWatches;
    }

    /** @return whether a watch slot was free; give it back with {@link #releaseWatch()} */
    boolean tryAcquireWatch() {
        return watchSlots.tryAcquire();
    }

    void releaseWatch() {
        watchSlots.release();
    }

    /** @return the 429 answer to a watch over the limit */
    Response tooManyWatches() {
        return Response.fromResponse(ApiStatus.response(429, ApiStatus.TOO_MANY_REQUESTS,
                "too many open watches (at most " + maxWatches + "); try again later"))
                .header("Retry-After", "1").build();
    }
}
