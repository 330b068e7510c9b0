package io.karedge.mesh.proxy.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/** Hand-built DNS packets for the tests, independent of the codec under test. */
final class DnsMessages {

    static final int A = 1;
    static final int AAAA = 28;

    record Reply(int id, int rcode, int answers, boolean authoritative, InetAddress firstA) {
    }

    private DnsMessages() {
    }

    static byte[] query(int id, String name, int type) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) (id >> 8), (byte) id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0});
        for (String label : name.split("\\.")) {
            byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
            out.write(bytes.length);
            out.writeBytes(bytes);
        }
        out.write(0);
        out.writeBytes(new byte[] {(byte) (type >> 8), (byte) type, 0, 1});
        return out.toByteArray();
    }

    /** @return the name in the question of a query */
    static String questionName(byte[] packet) {
        StringBuilder name = new StringBuilder();
        int at = 12;
        while (packet[at] != 0) {
            int length = packet[at];
            if (name.length() > 0) {
                name.append('.');
            }
            name.append(new String(packet, at + 1, length, StandardCharsets.US_ASCII));
            at += length + 1;
        }
        return name.toString();
    }

    static Reply parse(byte[] packet, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(packet, 0, length);
        int id = buffer.getShort() & 0xffff;
        int flags = buffer.getShort() & 0xffff;
        int questions = buffer.getShort() & 0xffff;
        int answers = buffer.getShort() & 0xffff;
        buffer.getShort();
        buffer.getShort();
        for (int q = 0; q < questions; q++) {
            skipName(buffer);
            buffer.getInt();
        }
        InetAddress firstA = null;
        for (int a = 0; a < answers; a++) {
            skipName(buffer);
            int type = buffer.getShort() & 0xffff;
            buffer.getShort();
            buffer.getInt();
            int rdLength = buffer.getShort() & 0xffff;
            byte[] data = new byte[rdLength];
            buffer.get(data);
            if (type == A && firstA == null) {
                firstA = InetAddress.getByAddress(data);
            }
        }
        return new Reply(id, flags & 0xf, answers, (flags & 0x0400) != 0, firstA);
    }

    private static void skipName(ByteBuffer buffer) {
        while (true) {
            int length = buffer.get() & 0xff;
            if (length == 0) {
                return;
            }
            if ((length & 0xc0) == 0xc0) {
                buffer.get();
                return;
            }
            buffer.position(buffer.position() + length);
        }
    }

    /** Sends one packet and waits up to {@code timeoutMillis} for a reply. */
    static Optional<Reply> ask(InetSocketAddress server, byte[] packet, int timeoutMillis) throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setSoTimeout(timeoutMillis);
            socket.send(new DatagramPacket(packet, packet.length, server));
            byte[] buffer = new byte[1500];
            DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(reply);
            } catch (SocketTimeoutException e) {
                return Optional.empty();
            }
            return Optional.of(parse(Arrays.copyOf(buffer, reply.getLength()), reply.getLength()));
        }
    }
}
