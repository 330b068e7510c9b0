package io.karedge.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.node.EdgeNode;
import io.karedge.mesh.MeshPeer;
import io.karedge.mesh.MeshService;
import io.karedge.mesh.proxy.internal.MeshProxyComponent;
import io.karedge.mesh.proxy.internal.tunnel.PemCredentials;
import io.karedge.mesh.proxy.internal.tunnel.StreamAcceptor;
import io.karedge.mesh.proxy.internal.tunnel.Tunnel;
import io.karedge.mesh.proxy.internal.tunnel.TunnelCredentials;
import io.karedge.mesh.proxy.internal.tunnel.TunnelLimits;
import io.karedge.store.internal.StoreComponent;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The mesh tunnel against direct connections, in one run on loopback: four mesh nodes in this JVM (a, b,
 * relay r, and c, which a reaches only through r), each with its own store, Service range and tunnel
 * address (127.0.61.1-4), and sink and echo servers on 127.0.0.1 that b and c "own" (their Endpoints carry
 * nodeName b or c). See bench/mesh-tunnel.sh for what is printed.
 */
public final class MeshTunnelBench {

    /** the tunnel's TLS engine in every node of the bench: {@code MESH_TUNNEL_TLS=jdk} for the JDK's, else auto */
    private static final String TLS_ENGINE = System.getenv().getOrDefault("MESH_TUNNEL_TLS", "auto");

    private static final int CHUNK = 64 * 1024;
    private static final List<AutoCloseable> CLEANUP = new ArrayList<>();

    private MeshTunnelBench() {
    }

    public static void main(String[] args) throws Exception {
        Path certificates = Path.of(args[0]);
        int megabytes = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        int pings = args.length > 2 ? Integer.parseInt(args[2]) : 20000;
        int runs = args.length > 3 ? Math.max(1, Integer.parseInt(args[3])) : 3;
        int idlePeers = args.length > 4 ? Integer.parseInt(args[4]) : 100;

        Path directory = Files.createTempDirectory("karedge-mesh-tunnel-bench");
        Servers servers = new Servers();
        try {
            int[] ports = {freePort(), freePort(), freePort(), freePort()};
            String[] names = {"a", "b", "r", "c"};
            Map<String, InetSocketAddress> tunnels = new HashMap<>();
            for (int i = 0; i < names.length; i++) {
                tunnels.put(names[i], new InetSocketAddress("127.0.61." + (i + 1), ports[i]));
            }
            int refusing = freePort();
            Map<String, String> peers = Map.of(
                    "a", "b=127.0.61.2:" + ports[1] + ",r=127.0.61.3:" + ports[2] + ",c=127.0.61.9:" + refusing,
                    "b", "",
                    "r", "",
                    "c", "r=127.0.61.3:" + ports[2]);
            Map<String, MeshProxyComponent> meshes = new HashMap<>();
            for (int i = 0; i < names.length; i++) {
                String name = names[i];
                Path data = directory.resolve(name);
                Path cloud = Files.createDirectories(data.resolve("cloud"));
                Files.copy(certificates.resolve("ca.crt"), cloud.resolve("ca.crt"), StandardCopyOption.REPLACE_EXISTING);
                Files.copy(certificates.resolve(name + ".crt"), cloud.resolve("edge.crt"), StandardCopyOption.REPLACE_EXISTING);
                Files.copy(certificates.resolve(name + ".key"), cloud.resolve("edge.key"), StandardCopyOption.REPLACE_EXISTING);
                EdgeNode node = BenchComponents.standaloneNode(name, data);
                StoreComponent store = new StoreComponent(node, BenchComponents.config(StoreComponent.Config.class, Map.of()));
                CLEANUP.add(() -> invoke(store, "deactivate"));
                int servicePort = 7000;
                store.put(service("via-b", servicePort), "bench");
                store.put(endpoints("via-b", "b", servers.sink.getLocalPort(), servers.echo.getLocalPort()), "bench");
                store.put(service("via-c", servicePort), "bench");
                store.put(endpoints("via-c", "c", servers.sink.getLocalPort(), servers.echo.getLocalPort()), "bench");
                MeshProxyComponent mesh = new MeshProxyComponent(store, node,
                        BenchComponents.config(MeshProxyComponent.Config.class, Map.of(
                                "address_range", "127.1" + (10 + i) + ".0.0/16", "dns_enabled", false,
                                "tunnel_port", ports[i], "tunnel_address", tunnels.get(name).getAddress().getHostAddress(),
                                "tunnel_peers", peers.get(name), "tunnel_relay", "r".equals(name),
                                "tunnel_relay_nodes", "a".equals(name) ? "r" : "",
                                "tunnel_tls", TLS_ENGINE)));
                CLEANUP.add(0, () -> invoke(mesh, "deactivate"));
                meshes.put(name, mesh);
            }
            MeshProxyComponent a = meshes.get("a");
            InetAddress viaB = awaitListening(a, "via-b");
            InetAddress viaC = awaitListening(a, "via-c");
            awaitPeers(a);
            InetSocketAddress directSink = new InetSocketAddress(InetAddress.getLoopbackAddress(), servers.sink.getLocalPort());
            InetSocketAddress directEcho = new InetSocketAddress(InetAddress.getLoopbackAddress(), servers.echo.getLocalPort());
            InetSocketAddress tunnelSink = new InetSocketAddress(viaB, 7000);
            InetSocketAddress tunnelEcho = new InetSocketAddress(viaB, 7001);
            InetSocketAddress relaySink = new InetSocketAddress(viaC, 7000);
            System.out.printf(Locale.ROOT, "tunnel a -> b direct, a -> c through relay r; %d cores, %s, load %s%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"), loadAverage());

            System.out.printf(Locale.ROOT, "tunnel TLS engine: %s%n",
                    "jdk".equals(TLS_ENGINE) || !io.netty.handler.ssl.OpenSsl.isAvailable()
                            ? "JDK" : "OpenSSL (" + io.netty.handler.ssl.OpenSsl.versionString() + ")");
            throughput(directSink, 64);
            throughput(tunnelSink, 64);
            throughput(relaySink, 64);
            double[] direct = new double[runs];
            double[] tunnel = new double[runs];
            double[] relay = new double[runs];
            double[] directCpu = new double[runs];
            double[] tunnelCpu = new double[runs];
            double[] relayCpu = new double[runs];
            for (int run = 0; run < runs; run++) {
                Rate d = throughput(directSink, megabytes);
                Rate t = throughput(tunnelSink, megabytes);
                Rate r = throughput(relaySink, megabytes);
                direct[run] = d.megabytesPerSecond();
                tunnel[run] = t.megabytesPerSecond();
                relay[run] = r.megabytesPerSecond();
                directCpu[run] = d.cpuMillisPerMegabyte();
                tunnelCpu[run] = t.cpuMillisPerMegabyte();
                relayCpu[run] = r.cpuMillisPerMegabyte();
            }
            System.out.printf(Locale.ROOT, "throughput (%d x %d MB): direct median %.0f MB/s, tunnel %.0f MB/s (%.2f of direct,"
                            + " target >= 0.90), through the relay %.0f MB/s (%.2f, target >= 0.50)%n", runs, megabytes,
                    median(direct), median(tunnel), median(tunnel) / median(direct), median(relay),
                    median(relay) / median(direct));
            System.out.printf(Locale.ROOT, "CPU of this JVM per MB (sender, sink and every node): direct %.2f ms, tunnel %.2f ms,"
                            + " through the relay %.2f ms%n", median(directCpu), median(tunnelCpu), median(relayCpu));

            for (boolean tls : new boolean[] {false, true}) {
                socatReference(servers.sink.getLocalPort(), directSink, tls, certificates, megabytes, runs);
            }

            PingPong.roundTrips(directEcho, 2000);
            PingPong.roundTrips(tunnelEcho, 2000);
            double[] direct50 = new double[runs];
            double[] tunnel50 = new double[runs];
            double[] tunnel99 = new double[runs];
            for (int run = 0; run < runs; run++) {
                long[] d = PingPong.roundTrips(directEcho, pings);
                long[] t = PingPong.roundTrips(tunnelEcho, pings);
                direct50[run] = micros(d, 50);
                tunnel50[run] = micros(t, 50);
                tunnel99[run] = micros(t, 99);
            }
            System.out.printf(Locale.ROOT, "ping-pong (%d x %d x 64 bytes): direct p50 %.1f us, tunnel p50 %.1f us p99 %.1f us;"
                            + " added p50 %.1f us (target <= 100)%n", runs, pings, median(direct50), median(tunnel50),
                    median(tunnel99), median(tunnel50) - median(direct50));

            double[] directRoundTrip = new double[runs * 5];
            double[] tunnelRoundTrip = new double[runs * 5];
            for (int i = 0; i < runs * 5; i++) {
                directRoundTrip[i] = fourMegabytes(directEcho);
                tunnelRoundTrip[i] = fourMegabytes(tunnelEcho);
            }
            System.out.printf(Locale.ROOT, "4 MB request/response on a new connection (%d each): direct median %.1f ms,"
                            + " tunnel %.1f ms (%.2f of direct, target <= 1.2)%n", runs * 5, median(directRoundTrip),
                    median(tunnelRoundTrip), median(tunnelRoundTrip) / median(directRoundTrip));

            int failures = 0;
            long start = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
                if (!oneByte(tunnelEcho)) {
                    failures++;
                }
            }
            System.out.printf(Locale.ROOT, "1000 sequential new connections through the tunnel: %d failures, %.0f/s%n",
                    failures, 1000 / ((System.nanoTime() - start) / 1e9));

            System.out.printf(Locale.ROOT, "200 concurrent streams over the one peer connection: %s%n",
                    concurrent(tunnelEcho, 200, a));

            System.out.printf(Locale.ROOT, "heap per idle peer connection (%d connections, both ends in this JVM): %s%n",
                    idlePeers, idleHeap(certificates, tunnels.get("b"), idlePeers));
        } finally {
            for (AutoCloseable closeable : CLEANUP) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    // next
                }
            }
            servers.close();
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static String concurrent(InetSocketAddress target, int streams, MeshProxyComponent mesh) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(streams);
        try {
            List<Socket> sockets = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                Socket socket = new Socket();
                socket.setSoTimeout(30_000);
                socket.connect(target, 5000);
                sockets.add(socket);
            }
            long start = System.nanoTime();
            List<Future<Boolean>> results = new ArrayList<>();
            byte[] message = new byte[64 * 1024];
            for (Socket socket : sockets) {
                results.add(pool.submit(() -> {
                    socket.getOutputStream().write(message);
                    new DataInputStream(socket.getInputStream()).readFully(new byte[message.length]);
                    return true;
                }));
            }
            int failed = 0;
            for (Future<Boolean> result : results) {
                try {
                    result.get(60, TimeUnit.SECONDS);
                } catch (Exception e) {
                    failed++;
                }
            }
            long nanos = System.nanoTime() - start;
            int open = mesh.peers().stream().filter(p -> p.node().equals("b")).mapToInt(MeshPeer::streams).sum();
            for (Socket socket : sockets) {
                socket.close();
            }
            return String.format(Locale.ROOT, "%d open on the a-b connection, 64 KB echoed on each in %.0f ms, %d failures",
                    open, nanos / 1e6, failed);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Extra tunnels of node x, each keeping one idle connection to b; heap after GC before and after. */
    private static String idleHeap(Path certificates, InetSocketAddress b, int count) throws Exception {
        TunnelCredentials x = PemCredentials.load(certificates.resolve("ca.crt"), certificates.resolve("x.crt"),
                certificates.resolve("x.key"));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        List<Tunnel> tunnels = new ArrayList<>();
        try {
            long before = usedHeapAfterGc();
            for (int i = 0; i < count; i++) {
                Tunnel tunnel = new Tunnel(x, TunnelLimits.DEFAULTS, (peer, request) -> StreamAcceptor.Decision.refuse("bench"),
                        group, NioSocketChannel.class, NioServerSocketChannel.class, NioDatagramChannel.class, false);
                tunnel.peer("b", List.of(b));
                tunnels.add(tunnel);
            }
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (tunnels.stream().anyMatch(t -> !t.reachable("b")) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            long ready = tunnels.stream().filter(t -> t.reachable("b")).count();
            long after = usedHeapAfterGc();
            return String.format(Locale.ROOT, "%d ready, %.1f KiB each (target <= 256)", ready,
                    (after - before) / 1024.0 / Math.max(1, ready));
        } finally {
            tunnels.forEach(Tunnel::close);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void awaitPeers(MeshProxyComponent a) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            List<MeshPeer> peers = a.peers();
            boolean b = peers.stream().anyMatch(p -> p.node().equals("b") && p.connected());
            boolean c = peers.stream().anyMatch(p -> p.node().equals("c") && p.path().equals("relay:r"));
            if (b && c) {
                Thread.sleep(500); // c's own link to r
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("tunnel peers not ready within 20 s: " + a.peers());
    }

    private static InetAddress awaitListening(MeshProxyComponent mesh, String name) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (MeshService service : mesh.services()) {
                if (service.name().equals(name) && service.ports().stream().allMatch(p -> p.listening())) {
                    return InetAddress.getByName(service.address());
                }
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("the mesh did not listen within 10 s");
    }

    /**
     * The bulk runs through two socat relays in a row (the tunnel path's hops, without the mesh), plain or TLS,
     * alternating with direct runs: what a lean user-space relay reaches on the same path and cores.
     */
    private static void socatReference(int sinkPort, InetSocketAddress directSink, boolean tls, Path certificates,
                                       int megabytes, int runs) throws Exception {
        String name = tls ? "socat -> socat over TLS 1.3 (OpenSSL)" : "socat -> socat, plain TCP";
        SocatChain chain;
        try {
            chain = SocatChain.start(sinkPort, tls, certificates);
        } catch (IOException e) {
            System.out.printf(Locale.ROOT, "reference %s: %s, skipped%n", name, e.getMessage());
            return;
        }
        if (chain == null) {
            System.out.printf(Locale.ROOT, "reference %s: socat not installed, skipped%n", name);
            return;
        }
        try (chain) {
            throughput(chain.entry(), 64);
            double[] direct = new double[runs];
            double[] relayed = new double[runs];
            double[] cpu = new double[runs];
            for (int run = 0; run < runs; run++) {
                direct[run] = throughput(directSink, megabytes).megabytesPerSecond();
                long ticks = chain.childTicks();
                Rate rate = throughput(chain.entry(), megabytes);
                Thread.sleep(100); // the relays' children exit and are reaped after the sink's answer
                relayed[run] = rate.megabytesPerSecond();
                cpu[run] = rate.cpuMillisPerMegabyte() + (chain.childTicks() - ticks) * 10.0 / megabytes;
            }
            System.out.printf(Locale.ROOT, "reference %s (%d x %d MB): direct median %.0f MB/s, %.0f MB/s (%.2f of"
                            + " direct); CPU per MB (this JVM + socat) %.2f ms%n", name, runs, megabytes, median(direct),
                    median(relayed), median(relayed) / median(direct), median(cpu));
        }
    }

    /** Sends {@code megabytes} to the sink and reads its byte count back: MB/s. */
    /** A bulk transfer's rate and the CPU time this JVM spent on it per MB. */
    private record Rate(double megabytesPerSecond, double cpuMillisPerMegabyte) {
    }

    private static Rate throughput(InetSocketAddress target, int megabytes) throws IOException {
        byte[] chunk = new byte[CHUNK];
        long total = (long) megabytes * 1024 * 1024;
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (Socket socket = new Socket()) {
            socket.setSoTimeout(60_000);
            socket.connect(target, 3000);
            long start = System.nanoTime();
            long cpuStart = os.getProcessCpuTime();
            OutputStream out = socket.getOutputStream();
            for (long sent = 0; sent < total; sent += CHUNK) {
                out.write(chunk);
            }
            socket.shutdownOutput();
            long received = new DataInputStream(socket.getInputStream()).readLong();
            if (received != total) {
                throw new IOException("sink received " + received + " of " + total + " bytes");
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuMillis = (os.getProcessCpuTime() - cpuStart) / 1e6;
            return new Rate(total / 1048576.0 / seconds, cpuMillis / megabytes);
        }
    }

    /** A new connection, 4 MB written (then FIN) while the echo is read back to its end: ms. */
    private static double fourMegabytes(InetSocketAddress target) throws Exception {
        byte[] request = new byte[4 * 1024 * 1024];
        try (Socket socket = new Socket()) {
            socket.setSoTimeout(30_000);
            long start = System.nanoTime();
            socket.connect(target, 3000);
            Thread writer = new Thread(() -> {
                try {
                    socket.getOutputStream().write(request);
                    socket.shutdownOutput();
                } catch (IOException e) {
                    // the read fails too
                }
            });
            writer.start();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[CHUNK];
            long read = 0;
            int n;
            while ((n = in.read(buffer)) >= 0) {
                read += n;
            }
            writer.join();
            if (read != request.length) {
                throw new IOException("echo returned " + read + " of " + request.length + " bytes");
            }
            return (System.nanoTime() - start) / 1e6;
        }
    }

    private static boolean oneByte(InetSocketAddress target) {
        try (Socket socket = new Socket()) {
            socket.setSoLinger(true, 0);
            socket.setSoTimeout(5000);
            socket.connect(target, 3000);
            socket.getOutputStream().write(1);
            return socket.getInputStream().read() == 1;
        } catch (IOException e) {
            return false;
        }
    }

    private static double micros(long[] sorted, int percentile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(percentile / 100.0 * sorted.length) - 1)] / 1000.0;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static ObjectNode service(String name, int port) {
        return BenchObjects.service(name, BenchObjects.ports("sink", port, "echo", port + 1));
    }

    private static ObjectNode endpoints(String name, String node, int sinkPort, int echoPort) {
        return BenchObjects.endpoints(name, "127.0.0.1", node, BenchObjects.ports("sink", sinkPort, "echo", echoPort));
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    private static void invoke(Object target, String name) throws ReflectiveOperationException {
        Method method = target.getClass().getDeclaredMethod(name);
        method.setAccessible(true);
        method.invoke(target);
    }

    /** A sink (reads to the end, answers the byte count) and a byte echo (half-closes after the client's FIN). */
    private static final class Servers implements AutoCloseable {

        final ServerSocket sink = listen();
        final ServerSocket echo = listen();

        Servers() {
            start(sink, true);
            start(echo, false);
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

        private static void start(ServerSocket server, boolean sink) {
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket socket = server.accept();
                        Thread worker = new Thread(() -> serve(socket, sink));
                        worker.setDaemon(true);
                        worker.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private static void serve(Socket socket, boolean sink) {
            try (socket) {
                socket.setTcpNoDelay(true);
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                byte[] buffer = new byte[CHUNK];
                long total = 0;
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (sink) {
                        total += n;
                    } else {
                        out.write(buffer, 0, n);
                    }
                }
                if (sink) {
                    out.write(ByteBuffer.allocate(8).putLong(total).array());
                }
                socket.shutdownOutput();
            } catch (IOException e) {
                // client gone
            }
        }

        @Override
        public void close() throws IOException {
            sink.close();
            echo.close();
        }
    }
}
