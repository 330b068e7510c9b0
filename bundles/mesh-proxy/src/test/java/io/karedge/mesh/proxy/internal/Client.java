package io.karedge.mesh.proxy.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** A line client for the echo servers, with an optional 127.x source address. */
final class Client implements AutoCloseable {

    private final Socket socket;
    private final BufferedReader in;

    Client(InetAddress address, int port, InetAddress source) throws IOException {
        socket = new Socket();
        if (source != null) {
            socket.bind(new InetSocketAddress(source, 0));
        }
        socket.setSoTimeout(3000);
        socket.connect(new InetSocketAddress(address, port), 3000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    /** @return the echo server's answer, {@code name:line} */
    String call(String line) throws IOException {
        socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
        String answer = in.readLine();
        if (answer == null) {
            throw new IOException("connection closed by the proxy");
        }
        return answer;
    }

    /** @return the name of the echo server that answered one call on a new connection */
    static String once(InetAddress address, int port, InetAddress source) {
        try (Client client = new Client(address, port, source)) {
            String answer = client.call("ping");
            return answer.substring(0, answer.indexOf(':'));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return how many of {@code connections} new connections each echo server answered */
    static Map<String, Integer> spread(InetAddress address, int port, int connections) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < connections; i++) {
            counts.merge(once(address, port, null), 1, Integer::sum);
        }
        return counts;
    }

    static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return probe.getLocalPort();
        }
    }

    static InetAddress loopback(int last) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
