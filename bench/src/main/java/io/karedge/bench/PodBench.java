package io.karedge.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.node.EdgeNode;
import io.karedge.pod.PodInfo;
import io.karedge.pod.PodManagerStatus;
import io.karedge.pod.PodObservation;
import io.karedge.pod.PodRuntime;
import io.karedge.pod.manager.internal.PodManagerComponent;
import io.karedge.runtime.cri.internal.CriRuntimeComponent;
import io.karedge.store.internal.StoreComponent;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * Pod start latency and memory per pod on a real containerd, with the real pod manager, CRI runtime and
 * MetaStore in this JVM (no OSGi framework; the DS components are constructed directly).
 *
 * <p>Creates {@code count} host-network busybox pods ({@code sleep 3600}) one after another, each put into the
 * store and waited for until the pod manager shows it {@code Running}: the time from the put to that is the
 * latency. Then compares the heap used after GC before and with the pods, and reads the RSS of the containerd
 * shims of the pods (and of the processes under them) from /proc. Every pod is deleted at the end, and on
 * SIGTERM too.
 *
 * <p>Arguments: {@code SOCKET [count]} (count default 20).
 */
public final class PodBench {

    private static final String NAMESPACE = "karedge-bench";
    private static final String IMAGE = "localhost/karedge/busybox:1";
    private static final Duration POD_TIMEOUT = Duration.ofSeconds(60);

    private PodBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: PodBench SOCKET [count]");
            System.exit(2);
        }
        String socket = args[0];
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Path data = Files.createTempDirectory("karedge-podbench");
        EdgeNode node = BenchComponents.standaloneNode("bench", data);
        StoreComponent store = new StoreComponent(node, BenchComponents.config(StoreComponent.Config.class, Map.of()));
        CountDownLatch answered = new CountDownLatch(1);
        CriRuntimeComponent cri = new CriRuntimeComponent(bundleContext(answered), node,
                BenchComponents.config(CriRuntimeComponent.Config.class, Map.of("endpoint", socket)));
        PodManagerComponent manager = new PodManagerComponent(store, node,
                BenchComponents.config(PodManagerComponent.Config.class, Map.of("host_ip", "127.0.0.1")));
        Thread cleanup = new Thread(() -> killAll(cri), "podbench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            if (!answered.await(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the CRI runtime on " + socket + " does not answer");
            }
            invoke(manager, "bindRuntime", new Class<?>[] {PodRuntime.class, Map.class}, cri,
                    Map.of(PodRuntime.RUNTIME_CLASS, PodRuntime.DEFAULT_CLASS));
            run(store, manager, cri, count);
        } finally {
            deleteAll(store, manager);
            killAll(cri);
            invoke(manager, "deactivate", new Class<?>[0]);
            invoke(cri, "deactivate", new Class<?>[0]);
            invoke(store, "deactivate", new Class<?>[0]);
            deleteTree(data);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // shutting down already
            }
        }
    }

    private static void run(StoreComponent store, PodManagerStatus pods, CriRuntimeComponent cri, int count)
            throws Exception {
        System.out.printf("%d host-network pods (%s, sleep 3600), created one after another%n", count, IMAGE);
        // warm-up: the first pod pays for class loading, the gRPC channel and the image's snapshot
        long warm = startPod(store, pods, "warmup");
        deletePod(store, pods, "warmup");
        System.out.printf("warm-up pod: create -> Running %.0f ms (not counted)%n", warm / 1e6);

        long heapBefore = heapAfterGc();
        Map<String, Long> shimsBefore = shimRss(Set.of());
        long[] latencies = new long[count];
        long started = System.nanoTime();
        for (int i = 0; i < count; i++) {
            latencies[i] = startPod(store, pods, name(i));
        }
        double total = (System.nanoTime() - started) / 1e9;
        Thread.sleep(2_000); // a sync period: statuses settle
        long heapWith = heapAfterGc();

        Set<String> sandboxes = new HashSet<>();
        for (PodObservation pod : cri.list()) {
            if (pod.ref().namespace().equals(NAMESPACE) && pod.sandbox() != null) {
                sandboxes.add(pod.sandbox().id());
            }
        }
        Map<String, Long> shims = shimRss(sandboxes);

        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        System.out.printf("create -> Running: p50 %.0f ms, p99 %.0f ms, min %.0f ms, max %.0f ms; %d pods in %.1f s%n",
                percentile(sorted, 50) / 1e6, percentile(sorted, 99) / 1e6, sorted[0] / 1e6,
                sorted[sorted.length - 1] / 1e6, count, total);
        System.out.printf("node heap used after GC: %.1f MiB without pods, %.1f MiB with %d -> %.1f KiB per pod%n",
                heapBefore / 1048576.0, heapWith / 1048576.0, count, (heapWith - heapBefore) / 1024.0 / count);
        if (shims.containsKey("shims") && shims.get("shims") > 0) {
            long n = shims.get("shims");
            System.out.printf("containerd shims of these pods: %d, RSS %.1f MiB in all, %.1f MiB per pod; "
                            + "processes under them (pause + sleep): %.1f MiB per pod%n", n,
                    shims.get("shimRss") / 1024.0, shims.get("shimRss") / 1024.0 / n,
                    shims.get("childRss") / 1024.0 / n);
        } else {
            System.out.printf("containerd shims: not found in /proc (%d before)%n", shimsBefore.getOrDefault("shims", 0L));
        }
        long deleteStarted = System.nanoTime();
        deleteAll(store, pods);
        System.out.printf("deleting the %d pods: %.1f s%n", count, (System.nanoTime() - deleteStarted) / 1e9);
    }

    private static String name(int i) {
        return String.format("bench-%02d", i);
    }

    /** Puts a pod and waits until the pod manager shows it Running; returns the nanoseconds that took. */
    private static long startPod(StoreComponent store, PodManagerStatus pods, String name) throws InterruptedException {
        long t0 = System.nanoTime();
        store.put(pod(name), "local");
        long deadline = t0 + POD_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            PodInfo info = pods.pod(NAMESPACE, name).orElse(null);
            if (info != null && "Running".equals(info.display()) && info.ready() == info.containers()) {
                return System.nanoTime() - t0;
            }
            Thread.sleep(2);
        }
        throw new IllegalStateException("pod " + name + " not Running within " + POD_TIMEOUT + ": "
                + pods.pod(NAMESPACE, name).map(PodInfo::toString).orElse("unknown to the pod manager"));
    }

    private static void deletePod(StoreComponent store, PodManagerStatus pods, String name) throws InterruptedException {
        store.delete(ObjectKey.of("Pod", NAMESPACE, name));
        awaitGone(pods, Set.of(name));
    }

    private static void deleteAll(StoreComponent store, PodManagerStatus pods) throws InterruptedException {
        Set<String> names = new HashSet<>();
        for (PodInfo info : pods.pods()) {
            if (info.ref().namespace().equals(NAMESPACE)) {
                names.add(info.ref().name());
                store.delete(ObjectKey.of("Pod", NAMESPACE, info.ref().name()));
            }
        }
        awaitGone(pods, names);
    }

    private static void awaitGone(PodManagerStatus pods, Set<String> names) throws InterruptedException {
        long deadline = System.nanoTime() + POD_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (names.stream().allMatch(n -> pods.pod(NAMESPACE, n).isEmpty())) {
                return;
            }
            Thread.sleep(20);
        }
        System.err.println("pods not gone within " + POD_TIMEOUT + ": " + names);
    }

    /** Removes whatever the runtime still runs in the bench namespace. */
    private static void killAll(CriRuntimeComponent cri) {
        try {
            for (PodObservation pod : cri.list()) {
                if (pod.ref().namespace().equals(NAMESPACE)) {
                    cri.kill(pod.ref(), Duration.ZERO);
                }
            }
        } catch (Exception e) {
            System.err.println("cleanup: " + e);
        }
    }

    private static ObjectNode pod(String name) {
        ObjectNode pod = KaredgeJson.mapper().createObjectNode();
        pod.put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", name).put("namespace", NAMESPACE)
                .put("uid", "podbench-" + name + "-" + System.nanoTime()).put("creationTimestamp", Instant.now().toString());
        ObjectNode spec = pod.putObject("spec");
        spec.put("nodeName", "bench").put("hostNetwork", true).put("restartPolicy", "Always")
                .put("terminationGracePeriodSeconds", 1);
        ObjectNode container = spec.putArray("containers").addObject();
        container.put("name", "main").put("image", IMAGE).put("imagePullPolicy", "IfNotPresent");
        ArrayNode command = container.putArray("command");
        command.add("sleep").add("3600");
        return pod;
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /**
     * @param sandboxes the sandbox ids whose shims to count
     * @return {@code shims} (how many), {@code shimRss} and {@code childRss} (KiB) of the containerd shims serving
     *         those sandboxes, and of their child processes
     */
    private static Map<String, Long> shimRss(Set<String> sandboxes) throws IOException {
        Map<Long, Long> parents = new HashMap<>();
        Map<Long, Long> rss = new HashMap<>();
        List<Long> shims = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                long pid = Long.parseLong(proc.getFileName().toString());
                try {
                    String status = Files.readString(proc.resolve("status"));
                    rss.put(pid, field(status, "VmRSS:"));
                    parents.put(pid, field(status, "PPid:"));
                    String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ');
                    if (cmdline.contains("containerd-shim") && sandboxes.stream().anyMatch(cmdline::contains)) {
                        shims.add(pid);
                    }
                } catch (IOException | RuntimeException e) {
                    // the process ended meanwhile
                }
            }
        }
        long shimRss = 0;
        long childRss = 0;
        for (long shim : shims) {
            shimRss += rss.getOrDefault(shim, 0L);
            for (Map.Entry<Long, Long> process : parents.entrySet()) {
                if (process.getValue() == shim) {
                    childRss += rss.getOrDefault(process.getKey(), 0L);
                }
            }
        }
        return Map.of("shims", (long) shims.size(), "shimRss", shimRss, "childRss", childRss);
    }

    private static long field(String status, String name) {
        for (String line : status.split("\n")) {
            if (line.startsWith(name)) {
                return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
            }
        }
        return 0;
    }

    private static long percentile(long[] sorted, int percent) {
        int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** A bundle context for the CRI component: counts down when it registers its runtime info (the runtime answered). */
    private static BundleContext bundleContext(CountDownLatch answered) {
        ServiceRegistration<?> registration = (ServiceRegistration<?>) Proxy.newProxyInstance(
                PodBench.class.getClassLoader(), new Class<?>[] {ServiceRegistration.class}, (p, m, a) -> null);
        return (BundleContext) Proxy.newProxyInstance(PodBench.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, arguments) -> {
                    if (method.getName().equals("registerService")) {
                        answered.countDown();
                        return registration;
                    }
                    return null;
                });
    }

    private static Object invoke(Object target, String name, Class<?>[] types, Object... arguments)
            throws ReflectiveOperationException {
        Method method = target.getClass().getDeclaredMethod(name, types);
        method.setAccessible(true);
        return method.invoke(target, arguments);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
