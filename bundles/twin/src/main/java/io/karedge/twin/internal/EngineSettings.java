package io.karedge.twin.internal;

/**
 * The checked configuration of the engine.
 *
 * @param payloadMaxBytes largest request payload accepted
 * @param workers         threads applying requests and waiting for their durable write (all devices share
 *                        them); also the most device batches one store commit can group
 * @param batchMax        most queued requests of one device applied and written together
 * @param propertiesMax   most twins one device may have; an edge request that would add more is refused
 */
record EngineSettings(long payloadMaxBytes, int workers, int batchMax, int propertiesMax) {

    static final long DEFAULT_PAYLOAD_MAX_BYTES = 64 * 1024;
    static final int DEFAULT_WORKERS = 64;
    static final int DEFAULT_BATCH_MAX = 256;
    static final int DEFAULT_PROPERTIES_MAX = 1000;

    EngineSettings {
        if (payloadMaxBytes < 1) {
            throw new IllegalArgumentException("payload.max.bytes must be at least 1, not " + payloadMaxBytes);
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, not " + workers);
        }
        if (batchMax < 1) {
            throw new IllegalArgumentException("batch.max must be at least 1, not " + batchMax);
        }
        if (propertiesMax < 1) {
            throw new IllegalArgumentException("properties.max must be at least 1, not " + propertiesMax);
        }
    }

    EngineSettings(long payloadMaxBytes, int workers, int batchMax) {
        this(payloadMaxBytes, workers, batchMax, DEFAULT_PROPERTIES_MAX);
    }

    static EngineSettings defaults() {
        return new EngineSettings(DEFAULT_PAYLOAD_MAX_BYTES, DEFAULT_WORKERS, DEFAULT_BATCH_MAX);
    }
}
