package io.karedge.mesh.proxy.internal.tunnel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An echo server on 127.0.0.1: every byte goes back as is; at the client's FIN it half-closes its side
 * after the echo. Connections can be held before their first read ({@link #hold}) to play a slow reader.
 */
final class ByteEcho implements AutoCloseable {

    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger ended = new AtomicInteger();
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile CountDownLatch gate = new CountDownLatch(0);

    ByteEcho() throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        Thread acceptor = new Thread(this::accept, "byte-echo");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Connections accepted from now on do not read until {@link #release} */
    void hold() {
        gate = new CountDownLatch(1);
    }

    void release() {
        gate.countDown();
    }

    int open() {
        return open.size();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                accepted.incrementAndGet();
                open.add(socket);
                CountDownLatch held = gate;
                Thread worker = new Thread(() -> serve(socket, held), "byte-echo-conn");
                worker.setDaemon(true);
                worker.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket, CountDownLatch held) {
        try (socket) {
            held.await();
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] buffer = new byte[32 * 1024];
            int read;
            while ((read = in.read(buffer)) >= 0) {
                out.write(buffer, 0, read);
            }
            out.flush();
            socket.shutdownOutput();
            // wait for the client to close
            while (in.read() >= 0) {
                // nothing
            }
        } catch (IOException | InterruptedException e) {
            // client gone
        } finally {
            open.remove(socket);
            ended.incrementAndGet();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        release();
        for (Socket socket : open) {
            socket.close();
        }
    }
}
