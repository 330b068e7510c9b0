package io.karedge.twin.internal;

/**
 * The checked configuration of the engine.
 *
 * @param payloadMaxBytes largest request payload accepted
 * @param workers         threads applying requests and waiting for their durable write (all devices share
 *                        them); also the most device batches one store commit can group
 * @param batchMax        most queued requests of one device applied and written together
 */
record EngineSettings(long payloadMaxBytes, int workers, int batchMax) {

    static final long DEFAULT_PAYLOAD_MAX_BYTES = 64 * 1024;
    static final int DEFAULT_WORKERS = 64;
    static final int DEFAULT_BATCH_MAX = 256;

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
    }

    static EngineSettings defaults() {
        return new EngineSettings(DEFAULT_PAYLOAD_MAX_BYTES, DEFAULT_WORKERS, DEFAULT_BATCH_MAX);
    }
}
