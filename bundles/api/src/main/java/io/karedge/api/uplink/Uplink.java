package io.karedge.api.uplink;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The durable, ordered outbox towards the cloud. Producers (twin engine, pod manager, node status)
 * enqueue; the cloud bridge reads pending entries in sequence order and acknowledges each once the
 * cloud has it. Nothing leaves the outbox but by acknowledgement or by coalescing.
 *
 * <p><b>Coalescing.</b> Enqueueing a message with a coalesce key removes every waiting entry with the
 * same key and appends the new one at the end: the cloud sees the latest state, in order with
 * everything else. An entry that was already handed out but not acknowledged may still be delivered;
 * acknowledging a removed entry is harmless.
 *
 * <p>{@link #enqueue} returns when the entry is on disk.
 */
@ProviderType
public interface Uplink {

    UplinkEntry enqueue(UplinkMessage message);

    /** @return up to {@code max} waiting entries with a sequence greater than {@code afterSequence}, oldest first */
    List<UplinkEntry> pending(long afterSequence, int max);

    /** Removes an entry for good; unknown sequences are ignored. */
    void acknowledge(long sequence);

    /** @return the number of waiting entries */
    long depth();

    /**
     * Registers a callback run (on a store thread, briefly) after every enqueue, so a drainer can wake
     * up instead of polling.
     *
     * @return a handle that unregisters the callback
     */
    AutoCloseable onEnqueue(Runnable callback);

    /**
     * @return how many enqueues were refused because the outbox was at its bound (the caller got an
     *         exception and nothing was stored), since the outbox opened
     * @since 1.1
     */
    default long refused() {
        return 0;
    }
}
