package io.karedge.boot.podsfirst;

import io.karedge.boot.podsfirst.plan.RestorePlan;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts the pods of the restore plan on the CRI runtime, before the OSGi framework runs: per pod (in
 * parallel) a new sandbox from the plan's PodSandboxConfig, then each container from its ContainerConfig,
 * created and started. A pod whose sandbox is still ready is left alone (only the JVM restarted), as is one
 * whose origin no longer holds. Every failure is one line on the standard error and the pod is left to the
 * pod manager, which adopts what was started here (the same labels, names and attempts it would have used).
 * Writes what it did and when to {@code <plan dir>/last-restore.properties}.
 */
final class PodsFirstRestorer {

    /** System property: {@code running} while the restorer works, then {@code done}. */
    static final String STATE_PROPERTY = "karedge.pods.first";
    static final String TIMINGS_FILE = "last-restore.properties";

    private final Path planDirectory;
    private final Instant jvmStart;
    private final long callTimeoutMillis;
    private final PrintStream log;
    private final Map<String, String> timings = new TreeMap<>();

    PodsFirstRestorer(Path planDirectory, Instant jvmStart, long callTimeoutMillis, PrintStream log) {
        this.planDirectory = planDirectory;
        this.jvmStart = jvmStart;
        this.callTimeoutMillis = callTimeoutMillis;
        this.log = log;
    }

    /** What one pod came to. */
    record Outcome(String uid, String pod, boolean started, String detail) {
    }

    /** Restores every pod of the plan; returns when each is started, refused or failed. */
    List<Outcome> run() {
        timings.put("jvm.start", jvmStart.toString());
        timings.put("restorer.start.ms", Long.toString(sinceStart()));
        List<RestorePlan> plans = new ArrayList<>();
        List<Outcome> outcomes = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(planDirectory, "*.plan")) {
            for (Path file : files) {
                String uid = file.getFileName().toString().replaceFirst("\\.plan$", "");
                try {
                    RestorePlan plan = RestorePlan.read(file);
                    String refusal = PodOrigin.refusal(planDirectory.resolve(uid + ".origin"));
                    if (refusal != null) {
                        outcomes.add(new Outcome(uid, plan.pod(), false, "not restored: " + refusal));
                        line("pod " + plan.pod() + " not restored early: " + refusal);
                    } else {
                        plans.add(plan);
                    }
                } catch (IOException e) {
                    outcomes.add(new Outcome(uid, uid, false, "plan unreadable: " + e.getMessage()));
                    line("restore plan " + file + " cannot be read: " + e.getMessage());
                }
            }
        } catch (IOException e) {
            // no plan directory: nothing ran here before, or pods-first is off
        }
        timings.put("plan.read.ms", Long.toString(sinceStart()));
        timings.put("pods", Integer.toString(plans.size() + outcomes.size()));
        if (!plans.isEmpty()) {
            outcomes.addAll(restore(plans));
        }
        long started = outcomes.stream().filter(Outcome::started).count();
        timings.put("started", Long.toString(started));
        timings.put("done.ms", Long.toString(sinceStart()));
        for (Outcome outcome : outcomes) {
            timings.put("pod." + outcome.uid() + ".name", outcome.pod());
            timings.put("pod." + outcome.uid() + ".outcome", outcome.started() ? "started" : outcome.detail());
        }
        writeTimings();
        if (!outcomes.isEmpty()) {
            line(started + " of " + outcomes.size() + " pod(s) started "
                    + String.format("%.2f", sinceStart() / 1000.0) + " s after the process started");
        }
        return outcomes;
    }

    private List<Outcome> restore(List<RestorePlan> plans) {
        String endpoint = plans.get(0).endpoint();
        List<Outcome> outcomes = new ArrayList<>();
        H2Connection connection;
        try {
            connection = H2Connection.unix(Path.of(endpoint));
        } catch (IOException | RuntimeException e) {
            line("the container runtime at " + endpoint + " does not answer (" + e.getMessage()
                    + "); the pod manager starts the pods");
            plans.forEach(p -> outcomes.add(new Outcome(p.uid(), p.pod(), false, "runtime unavailable")));
            return outcomes;
        }
        timings.put("connected.ms", Long.toString(sinceStart()));
        try (GrpcClient grpc = new GrpcClient(connection)) {
            CriCalls cri = new CriCalls(grpc, callTimeoutMillis);
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(plans.size(), 16), r -> {
                Thread thread = new Thread(r, "karedge-pods-first");
                thread.setDaemon(true);
                return thread;
            });
            List<Future<Outcome>> futures = new ArrayList<>();
            for (RestorePlan plan : plans) {
                futures.add(pool.submit(() -> restore(cri, plan)));
            }
            for (int i = 0; i < futures.size(); i++) {
                RestorePlan plan = plans.get(i);
                try {
                    outcomes.add(futures.get(i).get(4 * callTimeoutMillis * (2 + plan.containers().size()),
                            TimeUnit.MILLISECONDS));
                } catch (Exception e) {
                    futures.get(i).cancel(true);
                    outcomes.add(new Outcome(plan.uid(), plan.pod(), false, "failed: " + e));
                    line("pod " + plan.pod() + ": " + e);
                }
            }
            pool.shutdownNow();
        }
        return outcomes;
    }

    private Outcome restore(CriCalls cri, RestorePlan plan) {
        String step = "listing its sandboxes";
        try {
            List<CriCalls.Sandbox> existing = cri.listPodSandbox(plan.uid());
            if (existing.stream().anyMatch(CriCalls.Sandbox::ready)) {
                return new Outcome(plan.uid(), plan.pod(), false, "not restored: its sandbox is still ready");
            }
            // a second power cut before the pod manager wrote the next plan: the sandbox of the plan's attempt
            // is there already (not ready) and holds the name; it goes first
            for (CriCalls.Sandbox old : existing) {
                if (old.attempt() >= plan.sandboxAttempt()) {
                    step = "removing sandbox " + old.id() + " of the same attempt";
                    cri.stopPodSandbox(old.id());
                    cri.removePodSandbox(old.id());
                }
            }
            step = "creating the log directory";
            Path logs = Path.of(plan.logDirectory());
            for (RestorePlan.Container container : plan.containers()) {
                Files.createDirectories(logs.resolve(container.name()));
            }
            step = "RunPodSandbox";
            String sandbox = cri.runPodSandbox(plan.sandboxConfig(), plan.runtimeHandler());
            timings.put("pod." + plan.uid() + ".sandbox.ms", Long.toString(sinceStart()));
            for (RestorePlan.Container container : plan.containers()) {
                step = "CreateContainer " + container.name();
                String id = cri.createContainer(sandbox, container.config(), plan.sandboxConfig());
                step = "StartContainer " + container.name();
                cri.startContainer(id);
            }
            timings.put("pod." + plan.uid() + ".started.ms", Long.toString(sinceStart()));
            // what the pod manager does when it replaces a sandbox: the old ones go (after the start, off the
            // pod's critical path)
            for (CriCalls.Sandbox old : existing) {
                if (old.attempt() >= plan.sandboxAttempt()) {
                    continue;
                }
                step = "removing old sandbox " + old.id();
                cri.stopPodSandbox(old.id());
                cri.removePodSandbox(old.id());
            }
            return new Outcome(plan.uid(), plan.pod(), true, "started");
        } catch (IOException | TimeoutException e) {
            line("pod " + plan.pod() + ": " + step + " failed: " + e.getMessage()
                    + "; the pod manager takes over");
            return new Outcome(plan.uid(), plan.pod(), timings.containsKey("pod." + plan.uid() + ".started.ms"),
                    "failed at " + step + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(plan.uid(), plan.pod(), false, "interrupted at " + step);
        }
    }

    private synchronized void writeTimings() {
        Properties properties = new Properties();
        properties.putAll(timings);
        try {
            Files.createDirectories(planDirectory);
            Path temp = Files.createTempFile(planDirectory, ".restore", ".tmp");
            try (OutputStream out = Files.newOutputStream(temp)) {
                properties.store(out, "pods started before the framework, ms after the JVM start");
            }
            Files.move(temp, planDirectory.resolve(TIMINGS_FILE), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            line("cannot write " + planDirectory.resolve(TIMINGS_FILE) + ": " + e.getMessage());
        }
    }

    private long sinceStart() {
        return System.currentTimeMillis() - jvmStart.toEpochMilli();
    }

    private void line(String text) {
        log.println("karedge pods-first: " + text);
    }
}
