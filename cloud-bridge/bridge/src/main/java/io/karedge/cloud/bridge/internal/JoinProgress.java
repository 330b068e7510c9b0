package io.karedge.cloud.bridge.internal;

import io.karedge.api.progress.ProgressTask;
import io.karedge.api.progress.ProgressTracker;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Reports the way of a bridge's run to its first synced session as a {@code join} task: the credentials
 * (stored ones, or the CA fetched, the certificate requested and stored), the connect, and the first sync
 * (the cloud has this Node). It opens at the run's first attempt; transient failures show as its phase
 * while the link backs off, a permanent one fails it (and later attempts of the run open no new one). A join
 * later in the run, when the certificate expired while the node was offline, opens a task of its own.
 * Thread-safe; without a tracker every call does nothing.
 */
public final class JoinProgress implements JoinSteps {

    static final int STEPS = 5;

    private final Supplier<ProgressTracker> tracker;
    private final BridgeSettings settings;
    private final Path credentialDirectory;
    private ProgressTask task;
    private boolean opened;
    private boolean synced;

    JoinProgress(Supplier<ProgressTracker> tracker, BridgeSettings settings, Path credentialDirectory) {
        this.tracker = tracker;
        this.settings = settings;
        this.credentialDirectory = credentialDirectory;
    }

    /** @return the title of a join task: {@code join 10.0.0.5:10000 as edge-7} */
    public static String title(String server, String nodeName) {
        return "join " + server + " as " + nodeName;
    }

    /** An attempt to connect begins. */
    synchronized void attempting() {
        step(-1, "checking the stored credentials");
    }

    /**
     * Opens the run's task if none was opened yet: the tracker may be bound only after the bridge started
     * (a dynamic reference is set after the constructor), so every report tries until one succeeds.
     */
    private void openOnce() {
        if (!opened && !synced) {
            open();
        }
    }

    private void open() {
        ProgressTracker current = tracker.get();
        if (current == null) {
            return;
        }
        opened = true;
        task = current.start(ProgressTracker.JOIN, title(settings.server().toString(), settings.nodeName()), STEPS,
                ProgressTask.STEPS);
    }

    @Override
    public synchronized void storedCredentialsUsed(Instant notAfter) {
        step(3, "using the stored edge certificate (valid until " + notAfter + ")");
    }

    @Override
    public synchronized void fetchingCa() {
        if (task == null && synced) {
            open(); // the certificate expired while the node was away: a join of its own
        }
        step(0, "fetching the CA from " + settings.certServer());
    }

    @Override
    public synchronized void requestingCertificate() {
        step(1, "requesting the edge certificate from " + settings.certServer());
    }

    @Override
    public synchronized void storingCredentials() {
        step(2, "storing the credentials in " + credentialDirectory);
    }

    @Override
    public synchronized void joined(Instant notAfter) {
        step(3, "edge certificate valid until " + notAfter);
        if (synced && task != null) {
            task.succeeded("joined again: edge certificate valid until " + notAfter);
            task = null;
        }
    }

    synchronized void connecting() {
        step(3, "connecting to CloudHub " + settings.server());
    }

    /** A session is up; the join succeeds now, or once the Node is registered when the bridge registers it. */
    synchronized void connected() {
        openOnce();
        if (task == null) {
            return;
        }
        if (settings.registerNode()) {
            step(4, "first sync: registering node " + settings.nodeName() + " with the cloud");
        } else {
            succeed();
        }
    }

    /** The cloud has this node's Node. */
    synchronized void registered() {
        if (task != null) {
            succeed();
        }
        synced = true;
    }

    private void succeed() {
        task.done(STEPS);
        task.succeeded("connected to CloudHub " + settings.server() + " as node " + settings.nodeName());
        task = null;
        synced = true;
    }

    /** The attempt failed and the link tries again in {@code retryMillis}. */
    synchronized void retrying(String reason, long retryMillis) {
        openOnce();
        if (task != null) {
            task.phase(reason + "; next attempt in " + Math.max(1, Math.round(retryMillis / 1000.0)) + " s");
        }
    }

    /** The attempt failed for good (a bad token, a refused certificate): no retry will do better. */
    synchronized void failed(String reason) {
        if (task != null) {
            task.failed(reason);
            task = null;
        }
    }

    synchronized void stopped() {
        failed("the cloud bridge stopped (configuration changed, edge:leave, or the node stops)");
    }

    /** @param done steps done, or -1 to leave them as they are */
    private void step(int done, String phase) {
        openOnce();
        if (task != null) {
            if (done >= 0) {
                task.done(done);
            }
            task.phase(phase);
        }
    }
}
