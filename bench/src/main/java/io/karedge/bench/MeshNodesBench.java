package io.karedge.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.node.EdgeNode;
import io.karedge.mesh.MeshService;
import io.karedge.mesh.proxy.internal.MeshProxyComponent;
import io.karedge.store.internal.StoreComponent;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * Node to node through the mesh, between two network namespaces ({@code bench/mesh-nodes.sh} builds them and
 * starts both sides): the server side runs in B's namespace, the client side in A's, where it also runs the
 * mesh proxy component of node A (on its real MetaStore, with a Service whose endpoint is B's address, as the
 * cloud hands it out). Every figure is taken for each <em>path</em> from A to B's server, printed side by
 * side: {@code direct} (B's address) and {@code mesh} (A's proxy listener, which dials B directly today).
 * The node-to-node tunnel and its relay are one more {@link Route} each ({@link #routes}).
 *
 * <p>Server: {@code server <bind address> <base port>} listens on three ports: base (sink: reads to EOF,
 * answers the byte count), base + 1 (echo) and base + 2 (request/response: a 4-byte length and that many
 * bytes in, as many bytes back). Prints {@code listening}; ends when its stdin closes.
 *
 * <p>Client: {@code client <server address> <base port> <bulk MB> <runs> [nio|native]}. Figures, each the median
 * of {@code runs} (paths alternating within a run): bulk throughput (MB/s), 64-byte ping-pong p50 and p99
 * (µs, 10,000 round trips), a 4 MB request/response round trip on a new connection (ms, 10 per run),
 * 1,000 sequential new connections (connect, 1-byte echo, close: failures and the time they took) and 200
 * concurrent connections (all open at once, then 20 ping-pongs each from 200 threads: failures and the
 * time to the last).
 */
public final class MeshNodesBench {

    private static final int CHUNK = 64 * 1024;
    private static final int REQUEST_BYTES = 4 * 1024 * 1024;

    private MeshNodesBench() {
    }

    /** One way from A to B's server: the three ports at one address. */
    record Route(String name, InetAddress address, int basePort) {

        InetSocketAddress sink() {
            return new InetSocketAddress(address, basePort);
        }

        InetSocketAddress echo() {
            return new InetSocketAddress(address, basePort + 1);
        }

        InetSocketAddress requests() {
            return new InetSocketAddress(address, basePort + 2);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("server")) {
            server(InetAddress.getByName(args[1]), Integer.parseInt(args[2]));
        } else if (args.length > 0 && args[0].equals("client")) {
            client(InetAddress.getByName(args[1]), Integer.parseInt(args[2]),
                    args.length > 3 ? Integer.parseInt(args[3]) : 256, args.length > 4 ? Integer.parseInt(args[4]) : 3,
                    args.length > 5 ? args[5] : "nio", args.length > 7 ? new Tunnels(Path.of(args[6]), args[7]) : null);
        } else if (args.length > 0 && args[0].equals("node")) {
            node(args[1], Path.of(args[2]), args[3], Boolean.parseBoolean(args[4]), args[5], args[6], args[7],
                    Integer.parseInt(args[8]));
        } else {
            System.err.println("usage: server <bind address> <base port>"
                    + " | client <server> <base port> <MB> <runs> [nio|native] [<certificates> <C's address>]"
                    + " | node <name> <certificates> <peers> <relay> <relay nodes> <B's address> <C's address>"
                    + " <base port>");
            System.exit(2);
        }
    }

    /** The tunnel's part of the client: the certificates (ca.crt, kem-X.crt/.key) and C's address. */
    record Tunnels(Path certificates, String serverC) {
    }

    // ---- client (node A) ---------------------------------------------------------------------------------

    private static void client(InetAddress server, int basePort, int megabytes, int runs, String transport,
                               Tunnels tunnels) throws Exception {
        Path directory = Files.createTempDirectory("karedge-mesh-nodes-bench");
        EdgeNode node = BenchComponents.standaloneNode("kem-a", directory);
        StoreComponent store = new StoreComponent(node, BenchComponents.config(StoreComponent.Config.class, Map.of()));
        MeshProxyComponent mesh = null;
        try {
            store.put(service("nodes-bench", basePort), "bench");
            store.put(endpoints("nodes-bench", server.getHostAddress(), null, basePort), "bench");
            Map<String, Object> config = new java.util.HashMap<>(Map.of("dns_enabled", false, "native_transport",
                    "native".equals(transport)));
            if (tunnels != null) {
                putTunnelServices(store, server.getHostAddress(), tunnels.serverC(), basePort);
                config.putAll(tunnelConfig("kem-a", tunnels.certificates(), "kem-b=" + server.getHostAddress()
                        + ",kem-r=" + RELAY_NET1 + ",kem-c=" + tunnels.serverC(), false, "kem-r"));
            }
            mesh = new MeshProxyComponent(store, node, BenchComponents.config(MeshProxyComponent.Config.class, config));
            List<Route> routes = new java.util.ArrayList<>(routes(server, basePort,
                    awaitListening(mesh, "nodes-bench")));
            if (tunnels != null) {
                routes.add(new Route("tunnel (A to B's tunnel)", awaitListening(mesh, "via-b"), basePort));
                routes.add(new Route("relay (A, R, C)", awaitListening(mesh, "via-c"), basePort));
                awaitReached(routes.get(2));
                awaitReached(routes.get(3));
            }
            System.out.printf(Locale.ROOT, "client in A's namespace, server %s; mesh proxy of node A on %s (%s);"
                    + " %d runs, load %s%n", server.getHostAddress(), routes.get(1).address().getHostAddress(),
                    "native".equals(transport) ? "epoll if available" : "NIO, the node's default", runs, loadAverage());
            measure(routes, megabytes, runs);
        } finally {
            if (mesh != null) {
                invoke(mesh, "deactivate");
            }
            invoke(store, "deactivate");
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    /**
     * The paths measured without the tunnel, one column each; the client adds the tunnel's two.
     */
    static List<Route> routes(InetAddress server, int basePort, InetAddress meshAddress) {
        return List.of(new Route("direct", server, basePort), new Route("mesh (A's proxy)", meshAddress, basePort));
    }

    private static void measure(List<Route> routes, int megabytes, int runs) throws Exception {
        int columns = routes.size();
        double[][] bulk = new double[columns][runs];
        double[][] p50 = new double[columns][runs];
        double[][] p99 = new double[columns][runs];
        double[][] request = new double[columns][runs];
        for (Route route : routes) { // warm-up
            bulk(route, 32);
            pingPong(route, 2000);
            requestResponse(route, 2);
        }
        for (int run = 0; run < runs; run++) {
            for (int c = 0; c < columns; c++) {
                bulk[c][run] = bulk(routes.get(c), megabytes);
            }
            for (int c = 0; c < columns; c++) {
                long[] times = pingPong(routes.get(c), 10_000);
                p50[c][run] = micros(times, 50);
                p99[c][run] = micros(times, 99);
            }
            for (int c = 0; c < columns; c++) {
                request[c][run] = requestResponse(routes.get(c), 10);
            }
        }
        String[] sequential = new String[columns];
        String[] concurrent = new String[columns];
        for (int c = 0; c < columns; c++) {
            sequential[c] = sequentialConnections(routes.get(c), 1000);
            concurrent[c] = concurrentConnections(routes.get(c), 200, 20);
        }

        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-44s",
                "figure (median of " + runs + ")"));
        routes.forEach(route -> header.append(String.format(Locale.ROOT, " | %-26s", route.name())));
        System.out.println(header.append(" | ratio to direct"));
        row("bulk throughput, " + megabytes + " MB (MB/s)", bulk, value -> value, "%.0f", true);
        row("64-byte ping-pong p50 (us)", p50, value -> value, "%.1f", false);
        row("64-byte ping-pong p99 (us)", p99, value -> value, "%.1f", false);
        row("4 MB request/response, new conn. (ms)", request, value -> value, "%.2f", true);
        text("1,000 sequential new connections", sequential);
        text("200 concurrent connections x 20 ping-pongs", concurrent);
    }

    private static void row(String label, double[][] values, ToDoubleFunction<Double> map, String format,
                            boolean ratio) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-44s", label));
        double direct = median(values[0]);
        List<String> ratios = new ArrayList<>();
        for (int c = 0; c < values.length; c++) {
            double median = median(values[c]);
            String value = String.format(Locale.ROOT, format, map.applyAsDouble(median));
            line.append(String.format(Locale.ROOT, " | %-26s", value));
            if (c > 0) {
                ratios.add(ratio ? String.format(Locale.ROOT, "%.2fx", median / direct)
                        : String.format(Locale.ROOT, "%+.1f", median - direct));
            }
        }
        System.out.println(line.append(" | ").append(String.join(", ", ratios)));
    }

    private static void text(String label, String[] values) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-44s", label));
        for (String value : values) {
            line.append(String.format(Locale.ROOT, " | %-26s", value));
        }
        System.out.println(line.append(" |"));
    }

    /** @return MB/s of {@code megabytes} sent to the sink, counted by it */
    private static double bulk(Route route, int megabytes) throws IOException {
        byte[] chunk = new byte[CHUNK];
        long total = (long) megabytes * 1024 * 1024;
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.setSoTimeout(60_000);
            socket.connect(route.sink(), 3000);
            OutputStream out = socket.getOutputStream();
            for (long sent = 0; sent < total; sent += chunk.length) {
                out.write(chunk);
            }
            socket.shutdownOutput();
            long counted = new DataInputStream(socket.getInputStream()).readLong();
            if (counted != total) {
                throw new IOException(route.name() + ": the sink counted " + counted + " of " + total + " bytes");
            }
        }
        return megabytes / ((System.nanoTime() - start) / 1e9);
    }

    /** @return the round-trip times in ns, sorted */
    private static long[] pingPong(Route route, int count) throws IOException {
        return PingPong.roundTrips(route.echo(), count);
    }

    /** @return the median ms of {@code count} round trips of 4 MB up and 4 MB back, each on a new connection */
    private static double requestResponse(Route route, int count) throws IOException {
        byte[] payload = new byte[REQUEST_BYTES];
        byte[] answer = new byte[REQUEST_BYTES];
        double[] millis = new double[count];
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            try (Socket socket = new Socket()) {
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(30_000);
                socket.connect(route.requests(), 3000);
                DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                out.writeInt(payload.length);
                out.write(payload);
                out.flush();
                new DataInputStream(socket.getInputStream()).readFully(answer);
            }
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        return median(millis);
    }

    private static String sequentialConnections(Route route, int count) {
        int failures = 0;
        byte[] one = new byte[1];
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            try (Socket socket = new Socket()) {
                socket.setSoLinger(true, 0); // RST on close: no TIME_WAIT pile-up
                socket.setSoTimeout(3000);
                socket.connect(route.echo(), 3000);
                socket.getOutputStream().write(one);
                if (socket.getInputStream().read() < 0) {
                    failures++;
                }
            } catch (IOException e) {
                failures++;
            }
        }
        return String.format(Locale.ROOT, "%d failed, %.0f ms", failures, (System.nanoTime() - start) / 1e6);
    }

    private static String concurrentConnections(Route route, int connections, int pings) throws InterruptedException {
        AtomicInteger failures = new AtomicInteger();
        CountDownLatch open = new CountDownLatch(connections);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(connections);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Thread thread = new Thread(() -> {
                Socket socket = new Socket();
                try (socket) {
                    socket.setTcpNoDelay(true);
                    socket.setSoTimeout(10_000);
                    socket.connect(route.echo(), 5000);
                    open.countDown();
                    go.await();
                    byte[] message = new byte[64];
                    OutputStream out = socket.getOutputStream();
                    DataInputStream in = new DataInputStream(socket.getInputStream());
                    for (int p = 0; p < pings; p++) {
                        out.write(message);
                        in.readFully(message);
                    }
                } catch (IOException e) {
                    failures.incrementAndGet();
                    open.countDown();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            }, "bench-concurrent-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        open.await();
        long start = System.nanoTime();
        go.countDown();
        done.await();
        return String.format(Locale.ROOT, "%d failed, %.0f ms", failures.get(), (System.nanoTime() - start) / 1e6);
    }

    // ---- a node with the tunnel (B, R or C) -------------------------------------------------------------

    private static final String RELAY_NET1 = "10.231.1.3";
    private static final int TUNNEL_PORT = 20006;

    /**
     * A mesh node with the tunnel on in this namespace: the Services via-b (endpoint on B, nodeName kem-b) and
     * via-c (on C, kem-c) in its store, so B and C export their endpoints. Prints {@code ready}; ends with stdin.
     */
    private static void node(String name, Path certificates, String peers, boolean relay, String relayNodes,
                             String serverB, String serverC, int basePort) throws Exception {
        Path directory = Files.createTempDirectory("karedge-mesh-nodes-" + name);
        EdgeNode node = BenchComponents.standaloneNode(name, directory);
        StoreComponent store = new StoreComponent(node, BenchComponents.config(StoreComponent.Config.class, Map.of()));
        putTunnelServices(store, serverB, serverC, basePort);
        Map<String, Object> config = new java.util.HashMap<>(Map.of("dns_enabled", false));
        config.putAll(tunnelConfig(name, certificates, peers, relay, relayNodes));
        new MeshProxyComponent(store, node, BenchComponents.config(MeshProxyComponent.Config.class, config));
        System.out.println("ready");
        System.out.flush();
        while (System.in.read() >= 0) {
            // the end of stdin means the script is gone
        }
        Runtime.getRuntime().halt(0);
    }

    private static void putTunnelServices(StoreComponent store, String serverB, String serverC, int basePort)
            throws Exception {
        store.put(service("via-b", basePort), "bench");
        store.put(endpoints("via-b", serverB, "kem-b", basePort), "bench");
        store.put(service("via-c", basePort), "bench");
        store.put(endpoints("via-c", serverC, "kem-c", basePort), "bench");
    }

    private static Map<String, Object> tunnelConfig(String name, Path certificates, String peers, boolean relay,
                                                    String relayNodes) {
        return Map.of("tunnel_port", TUNNEL_PORT, "tunnel_peers", peers, "tunnel_relay", relay,
                "tunnel_relay_nodes", relayNodes, "tunnel_ca", certificates.resolve("ca.crt").toString(),
                "tunnel_cert", certificates.resolve(name + ".crt").toString(),
                "tunnel_key", certificates.resolve(name + ".key").toString());
    }

    /** Waits until a connection through the route gets its echo (the tunnel and its peers are up). */
    private static void awaitReached(Route route) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(route.echo(), 2000);
                socket.setSoTimeout(2000);
                socket.getOutputStream().write(1);
                if (socket.getInputStream().read() == 1) {
                    return;
                }
            } catch (IOException e) {
                // not yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(route.name() + " did not answer within 60 s");
    }

    private static InetAddress awaitListening(MeshProxyComponent mesh, String name) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (MeshService service : mesh.services()) {
                if (service.name().equals(name) && service.ports().size() == 3
                        && service.ports().stream().allMatch(p -> p.listening() && !p.endpoints().isEmpty())) {
                    return InetAddress.getByName(service.address());
                }
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("the mesh proxy did not listen within 10 s: " + mesh.services());
    }

    private static ObjectNode service(String name, int basePort) {
        ObjectNode service = BenchObjects.service(name, ports(basePort));
        ((ObjectNode) service.get("spec")).put("clusterIP", "10.96.20.8");
        return service;
    }

    private static Map<String, Integer> ports(int basePort) {
        return BenchObjects.ports("sink", basePort, "echo", basePort + 1, "requests", basePort + 2);
    }

    /** @param node the address's nodeName; null: none (dialled directly, as before the tunnel) */
    private static ObjectNode endpoints(String name, String address, String node, int basePort) {
        return BenchObjects.endpoints(name, address, node, ports(basePort));
    }

    private static double micros(long[] sorted, int percentile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(percentile / 100.0 * sorted.length) - 1)] / 1000.0;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private static void invoke(Object target, String name) throws ReflectiveOperationException {
        Method method = target.getClass().getDeclaredMethod(name);
        method.setAccessible(true);
        method.invoke(target);
    }

    // ---- server (node B) ---------------------------------------------------------------------------------

    private static void server(InetAddress bind, int basePort) throws IOException {
        listen(bind, basePort, MeshNodesBench::sink);
        listen(bind, basePort + 1, MeshNodesBench::echo);
        listen(bind, basePort + 2, MeshNodesBench::answer);
        System.out.println("listening");
        System.out.flush();
        while (System.in.read() >= 0) {
            // the end of stdin means the script is gone
        }
        Runtime.getRuntime().halt(0);
    }

    private interface Session {
        void run(Socket socket) throws IOException;
    }

    private static void listen(InetAddress bind, int port, Session session) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(bind, port), 1024);
        Thread acceptor = new Thread(() -> {
            while (true) {
                try {
                    Socket socket = server.accept();
                    Thread worker = new Thread(() -> {
                        try (socket) {
                            session.run(socket);
                        } catch (IOException e) {
                            // client gone
                        }
                    }, "bench-conn");
                    worker.setDaemon(true);
                    worker.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "bench-accept-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private static void sink(Socket socket) throws IOException {
        byte[] buffer = new byte[CHUNK];
        InputStream in = socket.getInputStream();
        long total = 0;
        int read;
        while ((read = in.read(buffer)) >= 0) {
            total += read;
        }
        new DataOutputStream(socket.getOutputStream()).writeLong(total);
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

    private static void answer(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        DataInputStream in = new DataInputStream(socket.getInputStream());
        int length = in.readInt();
        byte[] request = new byte[length];
        in.readFully(request);
        OutputStream out = socket.getOutputStream();
        out.write(request);
        out.flush();
    }
}
