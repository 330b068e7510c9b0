package io.karedge.mesh.proxy.internal;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** A UDP endpoint on 127.0.0.1 that answers each datagram with {@code <name>:<datagram>}. */
final class UdpEchoServer implements AutoCloseable {

    private final String name;
    private final DatagramSocket socket;
    private final Thread thread;

    UdpEchoServer(String name) throws IOException {
        this.name = name;
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.thread = new Thread(this::serve, "udp-echo-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    private void serve() {
        byte[] buffer = new byte[2048];
        while (!socket.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                byte[] reply = (name + ":" + new String(packet.getData(), 0, packet.getLength(),
                        StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                socket.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
            } catch (IOException e) {
                return;
            }
        }
    }

    /**
     * Sends one datagram from {@code client} to {@code service} and waits for the answer.
     *
     * @return the answer, or null if none came within the timeout
     */
    static Answer ask(DatagramSocket client, InetSocketAddress service, String text, int timeoutMillis)
            throws IOException {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        client.setSoTimeout(timeoutMillis);
        client.send(new DatagramPacket(data, data.length, service));
        DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
        try {
            client.receive(reply);
        } catch (java.net.SocketTimeoutException e) {
            return null;
        }
        return new Answer(new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8),
                (InetSocketAddress) reply.getSocketAddress());
    }

    /** An answer and where it came from. */
    record Answer(String text, InetSocketAddress from) {

        String server() {
            return text.substring(0, text.indexOf(':'));
        }
    }

    static DatagramSocket client() throws IOException {
        return new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @Override
    public void close() {
        socket.close();
    }
}
