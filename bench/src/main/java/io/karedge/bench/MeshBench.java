package io.karedge.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.node.EdgeNode;
import io.karedge.api.node.NodeMode;
import io.karedge.mesh.MeshService;
import io.karedge.mesh.proxy.internal.MeshProxyComponent;
import io.karedge.store.internal.StoreComponent;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
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
import java.util.stream.Stream;

/**
 * The mesh proxy against a direct connection, in one run on loopback:
 * bulk throughput (MB/s, client to a sink server), request latency (64-byte ping-pong, p50/p99) and new
 * connections per second (connect, 1-byte round trip, close). The proxy runs as its DS component on a
 * real MetaStore (the SQLite store in a temporary directory) with one Service whose one endpoint is the
 * bench's server on 127.0.0.1.
 *
 * <p>Arguments: megabytes per throughput run (default 512), ping-pongs (default 20000), seconds per
 * connection-rate run (default 3), transport {@code native} or {@code nio} (default native).
 */
public final class MeshBench {

    private static final int CHUNK = 64 * 1024;

    private MeshBench() {
    }

    public static void main(String[] args) throws Exception {
        int megabytes = args.length > 0 ? Integer.parseInt(args[0]) : 512;
        int pings = args.length > 1 ? Integer.parseInt(args[1]) : 20000;
        int connectSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        boolean nativeTransport = args.length <= 3 || !"nio".equals(args[3]);

        Path directory = Files.createTempDirectory("karedge-mesh-bench");
        try (Servers servers = new Servers()) {
            StoreComponent store = new StoreComponent(node(directory), defaults(StoreComponent.Config.class, Map.of()));
            int servicePort = freePort();
            store.put(service(servicePort), "bench");
            store.put(endpoints(servers.sinkPort(), servers.echoPort()), "bench");
            MeshProxyComponent mesh = new MeshProxyComponent(store, node(directory),
                    defaults(MeshProxyComponent.Config.class, Map.of("address_range", "127.101.0.0/16",
                            "dns_enabled", false, "native_transport", nativeTransport)));
            try {
                InetAddress proxyAddress = awaitListening(mesh);
                InetSocketAddress proxySink = new InetSocketAddress(proxyAddress, servicePort);
                InetSocketAddress proxyEcho = new InetSocketAddress(proxyAddress, servicePort + 1);
                InetSocketAddress directSink = new InetSocketAddress(InetAddress.getLoopbackAddress(), servers.sinkPort());
                InetSocketAddress directEcho = new InetSocketAddress(InetAddress.getLoopbackAddress(), servers.echoPort());
                System.out.printf(Locale.ROOT, "mesh proxy on %s (%s transport), %d cores, %s%n", proxyAddress.getHostAddress(),
                        nativeTransport ? "native if available" : "NIO", Runtime.getRuntime().availableProcessors(),
                        System.getProperty("java.vm.version"));

                // warm-up of both paths
                throughput(directSink, 64);
                throughput(proxySink, 64);
                latency(directEcho, 2000);
                latency(proxyEcho, 2000);

                double directMbps = 0;
                double proxyMbps = 0;
                for (int run = 0; run < 3; run++) {
                    directMbps = Math.max(directMbps, throughput(directSink, megabytes));
                    proxyMbps = Math.max(proxyMbps, throughput(proxySink, megabytes));
                }
                long[] direct = latency(directEcho, pings);
                long[] proxied = latency(proxyEcho, pings);
                double directConns = connectionRate(directEcho, connectSeconds);
                double proxyConns = connectionRate(proxyEcho, connectSeconds);

                System.out.printf(Locale.ROOT, "throughput (best of 3 x %d MB): direct %.0f MB/s, proxy %.0f MB/s, ratio %.2f (target >= 0.90)%n",
                        megabytes, directMbps, proxyMbps, proxyMbps / directMbps);
                System.out.printf(Locale.ROOT, "latency (%d x 64-byte ping-pong): direct p50 %.1f us p99 %.1f us; proxy p50 %.1f us p99 %.1f us; added p50 %.1f us (target <= 50)%n",
                        pings, micros(direct, 50), micros(direct, 99), micros(proxied, 50), micros(proxied, 99),
                        micros(proxied, 50) - micros(direct, 50));
                System.out.printf(Locale.ROOT, "new connections (%d s, connect + 1-byte round trip + close): direct %.0f/s, proxy %.0f/s%n",
                        connectSeconds, directConns, proxyConns);
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

    /** @return MB/s of sending {@code megabytes} to the sink and reading its byte count back */
    private static double throughput(InetSocketAddress target, int megabytes) throws IOException {
        byte[] chunk = new byte[CHUNK];
        long total = (long) megabytes * 1024 * 1024;
        try (Socket socket = new Socket()) {
            socket.setSoTimeout(60_000);
            socket.connect(target, 3000);
            long start = System.nanoTime();
            OutputStream out = socket.getOutputStream();
            for (long sent = 0; sent < total; sent += CHUNK) {
                out.write(chunk);
            }
            socket.shutdownOutput();
            long received = new DataInputStream(socket.getInputStream()).readLong();
            long nanos = System.nanoTime() - start;
            if (received != total) {
                throw new IOException("sink received " + received + " of " + total + " bytes");
            }
            return total / 1048576.0 / (nanos / 1e9);
        }
    }

    /** @return the round-trip times in ns, sorted */
    private static long[] latency(InetSocketAddress target, int count) throws IOException {
        byte[] message = new byte[64];
        long[] times = new long[count];
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000);
            socket.connect(target, 3000);
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            for (int i = 0; i < count; i++) {
                long start = System.nanoTime();
                out.write(message);
                in.readFully(message);
                times[i] = System.nanoTime() - start;
            }
        }
        Arrays.sort(times);
        return times;
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
        ObjectNode service = object("Service", "bench");
        ObjectNode spec = service.putObject("spec");
        spec.putArray("ports").add(KaredgeJson.mapper().createObjectNode().put("name", "sink").put("port", port))
                .add(KaredgeJson.mapper().createObjectNode().put("name", "echo").put("port", port + 1));
        return service;
    }

    private static ObjectNode endpoints(int sinkPort, int echoPort) {
        ObjectNode endpoints = object("Endpoints", "bench");
        ObjectNode subset = endpoints.putArray("subsets").addObject();
        subset.putArray("addresses").addObject().put("ip", "127.0.0.1");
        subset.putArray("ports").add(KaredgeJson.mapper().createObjectNode().put("name", "sink").put("port", sinkPort))
                .add(KaredgeJson.mapper().createObjectNode().put("name", "echo").put("port", echoPort));
        return endpoints;
    }

    private static ObjectNode object(String kind, String name) {
        ObjectNode object = KaredgeJson.mapper().createObjectNode();
        object.put("apiVersion", "v1");
        object.put("kind", kind);
        object.putObject("metadata").put("namespace", "default").put("name", name);
        return object;
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

    private static EdgeNode node(Path directory) {
        return new EdgeNode() {
            @Override
            public String nodeName() {
                return "bench";
            }

            @Override
            public NodeMode mode() {
                return NodeMode.STANDALONE;
            }

            @Override
            public Path dataDirectory() {
                return directory;
            }
        };
    }

    /** A configuration annotation instance: the given values, else each attribute's declared default. */
    @SuppressWarnings("unchecked")
    private static <A extends Annotation> A defaults(Class<A> type, Map<String, Object> values) {
        return (A) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, arguments) -> values.containsKey(method.getName()) ? values.get(method.getName())
                        : method.getDefaultValue() != null ? method.getDefaultValue()
                        : method.getName().equals("annotationType") ? type : null);
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
