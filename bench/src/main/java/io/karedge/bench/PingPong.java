package io.karedge.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;

/** A 64-byte ping-pong against an echo server, the latency figure the mesh benches share. */
final class PingPong {

    private PingPong() {
    }

    /** @return the round-trip times in ns of {@code count} 64-byte messages over one connection, sorted */
    static long[] roundTrips(InetSocketAddress echo, int count) throws IOException {
        byte[] message = new byte[64];
        long[] times = new long[count];
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000);
            socket.connect(echo, 3000);
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
}
