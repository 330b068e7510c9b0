package io.karedge.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Two socat relays in a row in front of a sink, the hop count of a path through the mesh tunnel (client, the
 * entry node's listener, the far node, the endpoint) done by a lean relay in C: plain TCP between the two, or
 * TLS 1.3 (OpenSSL, the nodes' certificates, verified against the cluster CA) as the tunnel does. A reference
 * for what any user-space path with these hops reaches on the host, not a part of the mesh.
 */
final class SocatChain implements AutoCloseable {

    private final List<Process> relays = new ArrayList<>();
    private final InetSocketAddress entry;

    private SocatChain(InetSocketAddress entry) {
        this.entry = entry;
    }

    /**
     * @param certificates a directory with {@code ca.crt}, {@code a.crt/.key} (the entry relay) and
     *                     {@code b.crt/.key} (the far relay), used when {@code tls}
     * @return the chain, or null when socat is not installed
     */
    static SocatChain start(int sinkPort, boolean tls, Path certificates) throws IOException, InterruptedException {
        int entryPort = freePort();
        int farPort = freePort();
        String far = tls
                ? "OPENSSL-LISTEN:" + farPort + ",bind=127.0.0.1,reuseaddr,fork,cert=" + certificates.resolve("b.crt")
                        + ",key=" + certificates.resolve("b.key") + ",cafile=" + certificates.resolve("ca.crt") + ",verify=1"
                : "TCP4-LISTEN:" + farPort + ",bind=127.0.0.1,reuseaddr,fork";
        String toFar = tls
                ? "OPENSSL:127.0.0.1:" + farPort + ",cert=" + certificates.resolve("a.crt") + ",key="
                        + certificates.resolve("a.key") + ",cafile=" + certificates.resolve("ca.crt")
                        + ",verify=1,commonname=system:node:b"
                : "TCP4:127.0.0.1:" + farPort;
        SocatChain chain = new SocatChain(new InetSocketAddress(InetAddress.getLoopbackAddress(), entryPort));
        try {
            chain.relays.add(socat(far, "TCP4:127.0.0.1:" + sinkPort));
            chain.relays.add(socat("TCP4-LISTEN:" + entryPort + ",bind=127.0.0.1,reuseaddr,fork", toFar));
        } catch (IOException e) {
            chain.close();
            return null;
        }
        chain.awaitListening(farPort);
        chain.awaitListening(entryPort);
        return chain;
    }

    InetSocketAddress entry() {
        return entry;
    }

    /** @return user + system clock ticks (10 ms) of the relays' reaped children (one per connection) */
    long childTicks() throws IOException {
        long ticks = 0;
        for (Process relay : relays) {
            String stat = Files.readString(Path.of("/proc/" + relay.pid() + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks += Long.parseLong(fields[13]) + Long.parseLong(fields[14]); // cutime, cstime (proc(5) 16, 17)
        }
        return ticks;
    }

    private static Process socat(String listen, String connect) throws IOException {
        return new ProcessBuilder("socat", "-b", "65536", listen, connect).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private void awaitListening(int port) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            // a probe on the plain port is harmless; on the TLS port the relay's child just fails its handshake
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline || relays.stream().anyMatch(p -> !p.isAlive())) {
                    throw new IOException("socat did not listen on " + port);
                }
                Thread.sleep(20);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Process relay : relays) {
            relay.destroy();
            relay.waitFor();
        }
    }
}
