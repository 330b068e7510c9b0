package io.karedge.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.node.EdgeNode;
import io.karedge.mesh.MeshPort;
import io.karedge.mesh.MeshService;
import io.karedge.mesh.proxy.internal.MeshProxyComponent;
import io.karedge.store.internal.StoreComponent;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The mesh proxy against a direct connection, in one run on loopback:
 * bulk throughput (MB/s, client to a sink server), request latency (64-byte ping-pong, p50/p99) and new
 * connections per second (connect, 1-byte round trip, close). The proxy runs as its DS component on a
 * real MetaStore (the SQLite store in a temporary directory) with one Service whose one endpoint is the
 * bench's server on 127.0.0.1.
 *
 * <p>Every measurement is repeated ({@code runs} times, direct and proxy alternating, so that load from
 * elsewhere hits both alike) and reported as best and median. For the bulk runs the CPU time of the
 * client thread, the sink thread and the proxy's event-loop threads is taken per MB (thread CPU time, user
 * plus system, which includes the loopback TCP work the kernel does in those threads): on a small host the
 * three compete for the same cores, so the ratio is bounded by how much CPU the proxy adds per MB.
 *
 * <p>Arguments: megabytes per throughput run (default 512), ping-pongs (default 20000), seconds per
 * connection-rate run (default 3), transport {@code native} (epoll, bytes copied through buffers: the
 * component's default), {@code splice} (epoll with the experimental splice relay) or {@code nio} (default
 * native) or {@code kernel} (the kernel data path: nftables NAT, needs nft and CAP_NET_ADMIN), runs (default 5), proxy event-loop threads
 * (default 0: one per core).
 *
 * <p>When {@code socat} is installed, the same bulk runs also go through it (one forked C process per
 * connection, 64 KiB buffers) as a reference relay: the ratio it reaches on the same machine is what any
 * user-space relay can reach there, whatever language it is written in.
 */
public final class MeshBench {

    private static final int CHUNK = 64 * 1024;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** CPU time (ns) of the last sink connection's thread, taken when it has read everything */
    private static final AtomicLong SINK_CPU = new AtomicLong();

    private MeshBench() {
    }

    public static void main(String[] args) throws Exception {
        int megabytes = args.length > 0 ? Integer.parseInt(args[0]) : 512;
        int pings = args.length > 1 ? Integer.parseInt(args[1]) : 20000;
        int connectSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        String transport = args.length > 3 ? args[3] : "native";
        boolean kernelPath = "kernel".equals(transport);
        boolean nativeTransport = !"nio".equals(transport) && !kernelPath;
        boolean splice = "splice".equals(transport);
        int runs = args.length > 4 ? Math.max(1, Integer.parseInt(args[4])) : 5;
        int ioThreads = args.length > 5 ? Integer.parseInt(args[5]) : 0;

        Path directory = Files.createTempDirectory("karedge-mesh-bench");
        try (Servers servers = new Servers()) {
            EdgeNode node = BenchComponents.standaloneNode("bench", directory);
            StoreComponent store = new StoreComponent(node, BenchComponents.config(StoreComponent.Config.class, Map.of()));
            int servicePort = freePort();
            store.put(service(servicePort), "bench");
            store.put(endpoints(servers.sinkPort(), servers.echoPort()), "bench");
            MeshProxyComponent mesh = new MeshProxyComponent(store, node,
                    BenchComponents.config(MeshProxyComponent.Config.class, Map.of("address_range", "127.101.0.0/16",
                            "dns_enabled", false, "native_transport", nativeTransport, "splice", splice,
                            "io_threads", ioThreads, "kernel_datapath", kernelPath ? "nftables" : "off",
                            "kernel_table", "karedge_mesh_bench")));
            try {
                InetAddress proxyAddress = awaitListening(mesh);
                if (kernelPath && !awaitKernelPath(mesh)) {
                    System.out.println("kernel data path not in effect (nft missing or no CAP_NET_ADMIN; see the log):"
                            + " measuring the proxy's relay");
                }
                InetSocketAddress proxySink = new InetSocketAddress(proxyAddress, servicePort);
                InetSocketAddress proxyEcho = new InetSocketAddress(proxyAddress, servicePort + 1);
                InetSocketAddress directSink = new InetSocketAddress(InetAddress.getLoopbackAddress(), servers.sinkPort());
                InetSocketAddress directEcho = new InetSocketAddress(InetAddress.getLoopbackAddress(), servers.echoPort());
                System.out.printf(Locale.ROOT, "mesh proxy on %s (%s), io threads %s, %d cores, %s, load %s%n",
                        proxyAddress.getHostAddress(), kernelPath ? "kernel data path (nftables NAT) if available, else NIO"
                                : splice ? "epoll + splice if available" : nativeTransport ? "epoll, buffers" : "NIO", ioThreads <= 0 ? "one per core" : ioThreads,
                        Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"), loadAverage());

                // warm-up of both paths
                throughput(directSink, 64);
                throughput(proxySink, 64);
                PingPong.roundTrips(directEcho, 2000);
                PingPong.roundTrips(proxyEcho, 2000);

                Bulk[] direct = new Bulk[runs];
                Bulk[] proxy = new Bulk[runs];
                for (int run = 0; run < runs; run++) {
                    direct[run] = throughput(directSink, megabytes);
                    proxy[run] = throughput(proxySink, megabytes);
                }
                double[] directPings50 = new double[runs];
                double[] proxyPings50 = new double[runs];
                double[] directPings99 = new double[runs];
                double[] proxyPings99 = new double[runs];
                for (int run = 0; run < runs; run++) {
                    long[] d = PingPong.roundTrips(directEcho, pings);
                    long[] p = PingPong.roundTrips(proxyEcho, pings);
                    directPings50[run] = micros(d, 50);
                    directPings99[run] = micros(d, 99);
                    proxyPings50[run] = micros(p, 50);
                    proxyPings99[run] = micros(p, 99);
                }
                int connectRuns = Math.min(runs, 3);
                double[] directConns = new double[connectRuns];
                double[] proxyConns = new double[connectRuns];
                for (int run = 0; run < connectRuns; run++) {
                    directConns[run] = connectionRate(directEcho, connectSeconds);
                    proxyConns[run] = connectionRate(proxyEcho, connectSeconds);
                }

                reference(directSink, servers.sinkPort(), megabytes, runs);

                double[] directRates = Arrays.stream(direct).mapToDouble(Bulk::mbps).toArray();
                double[] proxyRates = Arrays.stream(proxy).mapToDouble(Bulk::mbps).toArray();
                System.out.printf(Locale.ROOT, "throughput (%d x %d MB): direct best %.0f median %.0f MB/s; proxy best %.0f median %.0f MB/s;"
                                + " ratio best %.2f median %.2f (target >= 0.90)%n", runs, megabytes, max(directRates),
                        median(directRates), max(proxyRates), median(proxyRates), max(proxyRates) / max(directRates),
                        median(proxyRates) / median(directRates));
                System.out.printf(Locale.ROOT, "CPU per MB (median): direct client %.0f us, sink %.0f us, total %.0f us, %.2f cores busy;"
                                + " proxy path client %.0f us, sink %.0f us, proxy threads %.0f us, total %.0f us, %.2f cores busy%n",
                        median(direct, Bulk::clientPerMb), median(direct, Bulk::sinkPerMb), median(direct, Bulk::totalPerMb),
                        median(direct, Bulk::coresBusy), median(proxy, Bulk::clientPerMb), median(proxy, Bulk::sinkPerMb),
                        median(proxy, Bulk::proxyPerMb), median(proxy, Bulk::totalPerMb), median(proxy, Bulk::coresBusy));
                System.out.printf(Locale.ROOT, "latency (%d x %d x 64-byte ping-pong): direct p50 %.1f us (best %.1f) p99 %.1f us;"
                                + " proxy p50 %.1f us (best %.1f) p99 %.1f us; added p50 %.1f us median, %.1f best (target <= 50)%n",
                        runs, pings, median(directPings50), min(directPings50), median(directPings99), median(proxyPings50),
                        min(proxyPings50), median(proxyPings99), median(proxyPings50) - median(directPings50),
                        min(proxyPings50) - min(directPings50));
                System.out.printf(Locale.ROOT, "new connections (%d x %d s, connect + 1-byte round trip + close): direct best %.0f median %.0f/s,"
                                + " proxy best %.0f median %.0f/s%n", connectRuns, connectSeconds, max(directConns),
                        median(directConns), max(proxyConns), median(proxyConns));
            } finally {
                invoke(mesh, "deactivate");
                invoke(store, "deactivate");
            }
        } finally {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    /** @return whether every port of the bench Service is forwarded by the kernel within 3 s */
    private static boolean awaitKernelPath(MeshProxyComponent mesh) throws InterruptedException {
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (MeshService service : mesh.services()) {
                if (service.ports().stream().allMatch(p -> MeshPort.KERNEL.equals(p.dataPath()))) {
                    return true;
                }
            }
            Thread.sleep(10);
        }
        return false;
    }

    private static InetAddress awaitListening(MeshProxyComponent mesh) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (MeshService service : mesh.services()) {
                if (service.ports().size() == 2 && service.ports().stream().allMatch(p -> p.listening() && !p.endpoints().isEmpty())) {
                    return InetAddress.getByName(service.address());
                }
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("the mesh proxy did not listen within 5 s: " + mesh.services());
    }

    /** One bulk run: its rate and the CPU time its threads used. */
    private record Bulk(double mbps, double megabytes, long nanos, long clientCpu, long sinkCpu, long proxyCpu) {

        double clientPerMb() {
            return clientCpu / 1000.0 / megabytes;
        }

        double sinkPerMb() {
            return sinkCpu / 1000.0 / megabytes;
        }

        double proxyPerMb() {
            return proxyCpu / 1000.0 / megabytes;
        }

        double totalPerMb() {
            return (clientCpu + sinkCpu + proxyCpu) / 1000.0 / megabytes;
        }

        double coresBusy() {
            return (double) (clientCpu + sinkCpu + proxyCpu) / nanos;
        }
    }

    /** Sends {@code megabytes} to the sink and reads its byte count back. */
    private static Bulk throughput(InetSocketAddress target, int megabytes) throws IOException {
        byte[] chunk = new byte[CHUNK];
        long total = (long) megabytes * 1024 * 1024;
        try (Socket socket = new Socket()) {
            socket.setSoTimeout(60_000);
            socket.connect(target, 3000);
            SINK_CPU.set(-1);
            long proxyCpuBefore = proxyCpu();
            long clientCpuBefore = THREADS.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            OutputStream out = socket.getOutputStream();
            for (long sent = 0; sent < total; sent += CHUNK) {
                out.write(chunk);
            }
            socket.shutdownOutput();
            long received = new DataInputStream(socket.getInputStream()).readLong();
            long nanos = System.nanoTime() - start;
            long clientCpu = THREADS.getCurrentThreadCpuTime() - clientCpuBefore;
            long proxyCpu = proxyCpu() - proxyCpuBefore;
            if (received != total) {
                throw new IOException("sink received " + received + " of " + total + " bytes");
            }
            return new Bulk(total / 1048576.0 / (nanos / 1e9), total / 1048576.0, nanos, clientCpu,
                    Math.max(0, SINK_CPU.get()), proxyCpu);
        }
    }

    /**
     * Bulk runs through socat, alternating with direct runs, when socat is on the PATH; prints the ratio
     * and socat's CPU per MB (its children's user + system time from /proc, in clock ticks).
     */
    private static void reference(InetSocketAddress directSink, int sinkPort, int megabytes, int runs)
            throws IOException, InterruptedException {
        int port = freePort();
        Process socat;
        try {
            socat = new ProcessBuilder("socat", "-b", String.valueOf(CHUNK),
                    "TCP4-LISTEN:" + port + ",bind=127.0.0.1,reuseaddr,fork", "TCP4:127.0.0.1:" + sinkPort)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            System.out.println("reference relay: socat not installed, skipped");
            return;
        }
        try {
            InetSocketAddress relay = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (true) {
                try (Socket probe = new Socket()) {
                    probe.connect(relay, 200);
                    break;
                } catch (IOException e) {
                    if (System.nanoTime() > deadline || !socat.isAlive()) {
                        System.out.println("reference relay: socat did not listen, skipped");
                        return;
                    }
                    Thread.sleep(20);
                }
            }
            throughput(relay, 64);
            double[] directRates = new double[runs];
            double[] relayRates = new double[runs];
            double[] relayCpuPerMb = new double[runs];
            for (int run = 0; run < runs; run++) {
                directRates[run] = throughput(directSink, megabytes).mbps();
                long ticksBefore = childTicks(socat.pid());
                relayRates[run] = throughput(relay, megabytes).mbps();
                Thread.sleep(50); // the forked child exits and is reaped after the sink's answer
                relayCpuPerMb[run] = (childTicks(socat.pid()) - ticksBefore) * 10_000.0 / megabytes;
            }
            System.out.printf(Locale.ROOT, "reference relay (socat, %d x %d MB): direct best %.0f median %.0f MB/s;"
                            + " socat best %.0f median %.0f MB/s; ratio best %.2f median %.2f; socat CPU per MB %.0f us%n",
                    runs, megabytes, max(directRates), median(directRates), max(relayRates), median(relayRates),
                    max(relayRates) / max(directRates), median(relayRates) / median(directRates), median(relayCpuPerMb));
        } finally {
            socat.destroy();
            socat.waitFor();
        }
    }

    /** @return user + system clock ticks of the reaped children of {@code pid} (cutime + cstime) */
    private static long childTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[13]) + Long.parseLong(fields[14]); // fields 16 and 17 of proc(5)
    }

    /** @return CPU time (ns) used so far by the proxy's event-loop threads */
    private static long proxyCpu() {
        long sum = 0;
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("karedge-mesh-io")) {
                sum += Math.max(0, THREADS.getThreadCpuTime(info.getThreadId()));
            }
        }
        return sum;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double median(Bulk[] runs, java.util.function.ToDoubleFunction<Bulk> value) {
        return median(Arrays.stream(runs).mapToDouble(value).toArray());
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    private static double connectionRate(InetSocketAddress target, int seconds) throws IOException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long start = System.nanoTime();
        int count = 0;
        byte[] one = new byte[1];
        while (System.nanoTime() < end && count < 200_000) {
            try (Socket socket = new Socket()) {
                socket.setSoLinger(true, 0); // RST on close: no TIME_WAIT pile-up on the bench's ports
                socket.setSoTimeout(3000);
                socket.connect(target, 3000);
                socket.getOutputStream().write(one);
                if (socket.getInputStream().read() < 0) {
                    throw new IOException("connection closed before the echo");
                }
            }
            count++;
        }
        return count / ((System.nanoTime() - start) / 1e9);
    }

    private static double micros(long[] sorted, int percentile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(percentile / 100.0 * sorted.length) - 1)] / 1000.0;
    }

    private static ObjectNode service(int port) {
        return BenchObjects.service("bench", BenchObjects.ports("sink", port, "echo", port + 1));
    }

    private static ObjectNode endpoints(int sinkPort, int echoPort) {
        return BenchObjects.endpoints("bench", "127.0.0.1", null, BenchObjects.ports("sink", sinkPort, "echo", echoPort));
    }

    private static int freePort() throws IOException {
        // the listener also takes port + 1; probe both
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket first = new ServerSocket()) {
                first.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                int port = first.getLocalPort();
                if (port < 65535) {
                    try (ServerSocket second = new ServerSocket()) {
                        second.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port + 1));
                        return port;
                    } catch (IOException e) {
                        // try another
                    }
                }
            }
        }
        throw new IOException("no two consecutive free ports");
    }

    private static void invoke(Object target, String name) throws ReflectiveOperationException {
        Method method = target.getClass().getDeclaredMethod(name);
        method.setAccessible(true);
        method.invoke(target);
    }

    /** A sink (counts bytes until EOF, answers the count) and an echo server, thread per connection. */
    private static final class Servers implements AutoCloseable {

        private final ServerSocket sink = listen();
        private final ServerSocket echo = listen();
        private final AtomicInteger threads = new AtomicInteger();

        Servers() {
            accept(sink, Servers::drain);
            accept(echo, Servers::echo);
        }

        int sinkPort() {
            return sink.getLocalPort();
        }

        int echoPort() {
            return echo.getLocalPort();
        }

        private static ServerSocket listen() {
            try {
                ServerSocket server = new ServerSocket();
                server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
                return server;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private interface Session {
            void run(Socket socket) throws IOException;
        }

        private void accept(ServerSocket server, Session session) {
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket socket = server.accept();
                        Thread worker = new Thread(() -> {
                            try (socket) {
                                session.run(socket);
                            } catch (IOException e) {
                                // client gone
                            }
                        }, "bench-conn-" + threads.incrementAndGet());
                        worker.setDaemon(true);
                        worker.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "bench-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private static void drain(Socket socket) throws IOException {
            byte[] buffer = new byte[CHUNK];
            InputStream in = socket.getInputStream();
            long total = 0;
            int read;
            while ((read = in.read(buffer)) >= 0) {
                total += read;
            }
            SINK_CPU.set(THREADS.getCurrentThreadCpuTime()); // a fresh thread per connection: all of it
            socket.getOutputStream().write(ByteBuffer.allocate(8).putLong(total).array());
        }

        private static void echo(Socket socket) throws IOException {
            socket.setTcpNoDelay(true);
            byte[] buffer = new byte[CHUNK];
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            int read;
            while ((read = in.read(buffer)) >= 0) {
                out.write(buffer, 0, read);
            }
        }

        @Override
        public void close() throws IOException {
            sink.close();
            echo.close();
        }
    }
}
