package io.karedge.cloud.bridge.internal;

import io.karedge.api.uplink.Uplink;
import io.karedge.api.uplink.UplinkEntry;
import io.karedge.api.uplink.UplinkMessage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the Uplink to the cloud in sequence order while connected, and removes each entry once it is
 * delivered:
 * <ul>
 * <li>an entry whose request CloudCore answers (node, lease, pod status, twin and state reports ...) is
 * delivered when the answer arrives; without an answer within {@code ack.timeout.ms} it is sent again, and
 * after {@code uplink.max.attempts} flushed sends it counts as delivered (CloudCore does not answer every
 * request it drops, for example a twin report of a device it does not know, and such an entry must not
 * stall the node for ever);</li>
 * <li>an entry CloudCore never answers (events, node-task reports, anything else) is delivered once written
 * and flushed to the socket.</li>
 * </ul>
 * A device report of a Device the cloud does not know is removed unsent (see {@link DeviceReports}).
 * An entry that fails validation is logged with its sequence, counted as a dead letter and removed: one
 * malformed frame would make CloudHub drop the session. After a reconnect everything not yet removed is
 * sent again from the oldest entry.
 *
 * <p>At most {@code uplink.window} entries are between their send and the commit of their removal (waiting for
 * an answer, or answered and being removed), so a crash repeats at most that many answered entries.
 */
final class UplinkDrainer {

    /** Told about each answer to an Uplink entry (the lease keeper reads its resourceVersion from it). */
    interface AnswerListener {
        void answered(UplinkMessage sent, Message answer);
    }

    private static final Logger LOG = LoggerFactory.getLogger(UplinkDrainer.class);
    private static final int READ_BATCH = 256;

    private record InFlight(UplinkEntry entry, String messageId, int attempts, long deadlineNanos) {
    }

    private final Uplink uplink;
    private final BridgeSettings settings;
    private final LinkStatusHolder status;
    private final AnswerListener listener;
    private final ScheduledExecutorService executor;
    private final ExecutorService ackers;
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    private final Map<String, InFlight> inFlight = new ConcurrentHashMap<>();
    private final Set<Long> acknowledging = ConcurrentHashMap.newKeySet();
    private final List<InFlight> resend = new ArrayList<>();
    private final TokenBucket bucket;
    private final DeviceReports deviceReports;

    private volatile Session session;
    private volatile DrainProgress progress;
    private long cursor;
    private ScheduledFuture<?> timer;

    UplinkDrainer(Uplink uplink, BridgeSettings settings, LinkStatusHolder status, AnswerListener listener,
                  DeviceReports deviceReports, ScheduledExecutorService executor, ExecutorService ackers) {
        this.deviceReports = deviceReports;
        this.uplink = uplink;
        this.settings = settings;
        this.status = status;
        this.listener = listener;
        this.executor = executor;
        this.ackers = ackers;
        this.bucket = new TokenBucket(settings.uplinkQps(), settings.uplinkBurst(), System.nanoTime());
    }

    /** Where the removals of backlog entries are reported. */
    void progress(DrainProgress drainProgress) {
        this.progress = drainProgress;
    }

    void connected(Session newSession) {
        executor.execute(() -> {
            session = newSession;
            cursor = 0;
            inFlight.clear();
            resend.clear();
            drain();
        });
    }

    void disconnected() {
        executor.execute(() -> {
            session = null;
            inFlight.clear();
            resend.clear();
        });
    }

    /** Something was enqueued, or the socket can take more. */
    void wake() {
        if (wakeQueued.compareAndSet(false, true)) {
            executor.execute(() -> {
                wakeQueued.set(false);
                drain();
            });
        }
    }

    /**
     * @return whether the message answers an entry in flight (it is then consumed here)
     */
    boolean onAnswer(Message answer) {
        InFlight answered = inFlight.get(answer.parentId());
        if (answered == null) {
            return false;
        }
        long sequence = answered.entry().sequence();
        // counted as being removed before it leaves the in-flight set, so the window never has spare room
        acknowledging.add(sequence);
        if (inFlight.remove(answer.parentId()) == null) {
            // a timeout on the drain thread took it first: it is sent again or given up there
            acknowledging.remove(sequence);
            return false;
        }
        status.uplinkAcked.increment();
        acknowledge(sequence);
        try {
            listener.answered(answered.entry().message(), answer);
        } catch (RuntimeException e) {
            LOG.warn("Answer listener failed for {}", answer, e);
        }
        wake();
        return true;
    }

    int inFlight() {
        return inFlight.size();
    }

    private void drain() {
        Session current = session;
        if (current == null || !current.isOpen()) {
            return;
        }
        try {
            collectTimeouts();
            while (current.isWritable()) {
                // entries being removed count too: until the removal commits, a crash sends them again
                int room = settings.uplinkWindow() - inFlight.size() - acknowledging.size();
                if (room <= 0) {
                    break;
                }
                List<InFlight> batch = nextBatch(room);
                if (batch.isEmpty()) {
                    break;
                }
                for (int i = 0; i < batch.size(); i++) {
                    long wait = bucket.take(System.nanoTime());
                    if (wait > 0) {
                        // keep the rest for when a token is there
                        resend.addAll(batch.subList(i, batch.size()));
                        rearm(wait);
                        return;
                    }
                    send(current, batch.get(i));
                    if (!current.isWritable() && i + 1 < batch.size()) {
                        // the rest waits for writability, ahead of anything newer
                        resend.addAll(batch.subList(i + 1, batch.size()));
                        break;
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Uplink drain failed; retrying", e);
            rearm(TimeUnit.SECONDS.toNanos(1));
            return;
        }
        rearmForTimeouts();
    }

    private List<InFlight> nextBatch(int room) {
        List<InFlight> batch = new ArrayList<>();
        resend.sort(Comparator.comparingLong(item -> item.entry().sequence()));
        while (!resend.isEmpty() && batch.size() < room) {
            InFlight again = resend.remove(0);
            // read in an earlier session, sent again in this one: part of the backlog this session counts
            DrainProgress reporting = progress;
            if (reporting != null) {
                reporting.read(again.entry());
            }
            batch.add(again);
        }
        if (batch.size() < room) {
            Map<String, DeviceReports.Verdict> verdicts = new HashMap<>();
            for (UplinkEntry entry : uplink.pending(cursor, Math.min(READ_BATCH, room - batch.size()))) {
                cursor = Math.max(cursor, entry.sequence());
                DrainProgress reporting = progress;
                if (reporting != null) {
                    reporting.read(entry);
                }
                if (acknowledging.contains(entry.sequence())) {
                    continue;
                }
                if (deviceReports.shouldSend(entry.message(), verdicts)) {
                    batch.add(new InFlight(entry, "", 0, 0));
                } else {
                    // a report of a Device the cloud does not know: CloudCore would never answer it
                    acknowledge(entry.sequence());
                }
            }
        }
        return batch;
    }

    private void send(Session current, InFlight item) {
        UplinkEntry entry = item.entry();
        UplinkMessage queued = entry.message();
        Message message = Message.request(queued.source(), queued.group(), queued.operation(), queued.resource(),
                queued.content());
        boolean answered = expectsAnswer(queued);
        int attempts = item.attempts() + 1;
        if (answered) {
            inFlight.put(message.id(), new InFlight(entry, message.id(), attempts,
                    System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.ackTimeoutMillis())));
        }
        try {
            current.send(message).whenComplete((written, failure) -> {
                if (failure != null) {
                    return;
                }
                status.uplinkSent.increment();
                if (!answered) {
                    status.uplinkAcked.increment();
                    acknowledge(entry.sequence());
                }
            });
        } catch (OutboundValidator.InvalidMessageException e) {
            inFlight.remove(message.id());
            status.deadLetters.incrementAndGet();
            LOG.error("Uplink entry {} ({} {} {} from {}) is not a valid message and is dropped: {}",
                    entry.sequence(), queued.group(), queued.operation(), queued.resource(), queued.source(),
                    e.getMessage());
            acknowledge(entry.sequence());
        }
    }

    private void collectTimeouts() {
        long now = System.nanoTime();
        for (InFlight item : List.copyOf(inFlight.values())) {
            if (now - item.deadlineNanos() >= 0 && inFlight.remove(item.messageId()) != null) {
                if (item.attempts() >= settings.uplinkMaxAttempts()) {
                    status.unansweredOut.incrementAndGet();
                    LOG.warn("Uplink entry {} ({} {}) got no answer after {} sends; counted as delivered",
                            item.entry().sequence(), item.entry().message().operation(),
                            item.entry().message().resource(), item.attempts());
                    acknowledge(item.entry().sequence());
                } else {
                    LOG.debug("No answer to uplink entry {} within {} ms, sending it again", item.entry().sequence(),
                            settings.ackTimeoutMillis());
                    resend.add(item);
                }
            }
        }
    }

    private void rearmForTimeouts() {
        long earliest = Long.MAX_VALUE;
        long now = System.nanoTime();
        for (InFlight item : inFlight.values()) {
            earliest = Math.min(earliest, item.deadlineNanos() - now);
        }
        if (earliest != Long.MAX_VALUE) {
            rearm(Math.max(earliest, TimeUnit.MILLISECONDS.toNanos(5)));
        }
    }

    private void rearm(long delayNanos) {
        // a timer that is due is running this drain (or about to): it cannot stand for a later one
        long pending = timer == null || timer.isDone() ? -1 : timer.getDelay(TimeUnit.NANOSECONDS);
        if (pending > 0 && pending <= delayNanos) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        timer = executor.schedule(this::drain, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void acknowledge(long sequence) {
        acknowledging.add(sequence);
        DrainProgress reporting = progress;
        if (reporting != null) {
            reporting.removing();
        }
        ackers.execute(() -> {
            try {
                uplink.acknowledge(sequence);
                if (reporting != null) {
                    reporting.removed(sequence);
                }
            } catch (RuntimeException e) {
                if (reporting != null) {
                    reporting.removalFailed();
                }
                LOG.warn("Cannot remove uplink entry {} (it will be sent again): {}", sequence, e.toString());
            } finally {
                acknowledging.remove(sequence);
                wake();
            }
        });
    }

    /**
     * @return whether CloudCore answers this request (with {@code parent_msg_id}): kubelet requests on
     *         nodes, leases, pods and the objects it may query, and DeviceController's twin and state reports
     */
    static boolean expectsAnswer(UplinkMessage message) {
        String resource = message.resource();
        if (resource.startsWith("device/")) {
            return resource.endsWith("/twin/edge_updated") || resource.endsWith("/state/update");
        }
        String[] path = resource.split("/");
        if (path.length < 2) {
            return false;
        }
        return switch (path[1]) {
            case "node", "nodepatch", "nodestatus", "lease", "pod", "podpatch", "podstatus", "configmap", "secret",
                    "serviceaccounttoken", "persistentvolume", "persistentvolumeclaim", "volumeattachment",
                    "certificatesigningrequest" -> !Routes.RESPONSE.equals(message.operation());
            default -> false;
        };
    }
}
